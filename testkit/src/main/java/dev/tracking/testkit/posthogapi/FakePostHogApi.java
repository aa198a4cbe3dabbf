package dev.tracking.testkit.posthogapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real HTTP server on 127.0.0.1 implementing the part of PostHog's private REST API that the project tool and the
 * flags facade use, with PostHog's status codes, error bodies, pagination, soft deletes and limits, and scripted
 * faults ({@link #faults()}). Thread-safe; {@link #close()} stops it.
 *
 * <pre>{@code
 * try (FakePostHogApi posthog = FakePostHogApi.builder().personalApiKey("phx_test", "*").start()) {
 *     posthog.addGroupType("team");
 *     posthog.faults().next("POST", "/insights/", ApiFault.rateLimited(Duration.ofSeconds(1)), 1);
 *     // the client talks to posthog.baseUri() with Authorization: Bearer phx_test
 * }
 * }</pre>
 *
 * <p>The contract, as read in PostHog's sources ({@code posthog/api/*.py}) and summed up in the project's
 * POSTHOG-API notes:
 *
 * <ul>
 *   <li>{@code /api/projects/{id}/<collection>/} for {@code feature_flags}, {@code cohorts}, {@code insights},
 *       {@code dashboards}, {@code surveys}; insights and dashboards also under {@code /api/environments/{id}/}. The
 *       project id may be {@code @current}. GET lists (excluding soft-deleted objects), POST creates (201), GET/PATCH
 *       {@code {id}/} reads and updates (PUT is served as PATCH). Lists are {@code {count, next, previous,
 *       results}} with {@code limit}/{@code offset} (page {@link ApiLimits#pageSize()}) and absolute {@code next}
 *       links; {@code search} filters flags (key or name) and surveys and insights (name or description);
 *       {@code short_id} filters insights.
 *   <li>{@code GET /api/projects/{id}/groups_types/}: a plain list; group types cannot be created through the API
 *       ({@link #addGroupType(String)} stands for the first {@code $groupidentify}).
 *   <li>{@code GET /api/feature_flag/local_evaluation/?token=<project token>} and
 *       {@code /api/projects/{id}/feature_flags/local_evaluation/}: {@code {flags, group_type_mapping, cohorts}}
 *       with every non-deleted flag, an {@code ETag}, and 304 for a matching {@code If-None-Match}.
 *   <li>{@code Authorization: Bearer <personal API key>}: none 401 {@code not_authenticated}, unknown 401
 *       {@code authentication_failed}; a key without the scope ({@code <object>:read} for GET, {@code :write}
 *       otherwise, write implying read; {@code group:read} for group types) 403 "API key missing required scope
 *       'x:y'". An unknown project 404.
 *   <li>Errors are drf-exceptions-hog bodies: {@code {"type", "code", "detail", "attr"}}.
 *   <li>Flags: key {@code ^[a-zA-Z0-9_-]+$}, unique among non-deleted flags (400 {@code unique} on {@code key}); a
 *       group flag ({@code aggregation_group_type_index}) may only use group properties of that index; a cohort
 *       with behavioural filters cannot target a flag ({@code behavioral_cohort_found}); multivariate variants must
 *       sum to 100; a PATCH naming a stale {@code version} gets 409; creating a flag with a soft-deleted flag's key
 *       hard-deletes the old one; unless {@code _should_create_usage_dashboard: false} a create also makes a usage
 *       dashboard.
 *   <li>Flags, cohorts, insights and dashboards refuse {@code DELETE} (405): soft delete with
 *       {@code PATCH {"deleted": true}} (still readable by id). Surveys: {@code DELETE} removes them (204).
 *   <li>Server-computed fields are added as PostHog does: ids, {@code short_id}, {@code created_at}, flag
 *       {@code version}, question {@code id}s, cohort {@code bytecode}/{@code conditionHash} on each filter,
 *       dashboard {@code tiles}; an insight is unsaved ({@code saved: false}) unless created saved, as in PostHog.
 *   <li>Rate limits per key ({@link #limits()}): 429 {@code throttled} with {@code Retry-After}.
 * </ul>
 *
 * <p>Inferred, not confirmed in PostHog's source: the validation of insight queries (kinds, funnel window units and
 * order types, trend intervals) and of survey rating scales (2, 3, 5, 7, 10) and displays (number, emoji).
 */
public final class FakePostHogApi implements AutoCloseable {
    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final Logger log = LoggerFactory.getLogger(FakePostHogApi.class);
    private static final AtomicInteger SERVERS = new AtomicInteger();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern COLLECTION = Pattern.compile("^/api/(projects|environments)/([^/]+)/([a-z_]+)/?$");
    private static final Pattern ITEM = Pattern.compile("^/api/(projects|environments)/([^/]+)/([a-z_]+)/([^/]+)/?$");
    private static final Pattern TOKEN_LOCAL_EVALUATION = Pattern.compile("^/api/feature_flag/local_evaluation/?$");
    private static final Pattern FLAG_KEY = Pattern.compile("^[a-zA-Z0-9_-]+$");
    private static final Set<String> INSIGHT_SOURCE_KINDS =
            Set.of("TrendsQuery", "FunnelsQuery", "RetentionQuery", "PathsQuery", "StickinessQuery", "LifecycleQuery");
    private static final Set<String> SERIES_KINDS = Set.of("EventsNode", "ActionsNode", "DataWarehouseNode");
    private static final Set<String> WINDOW_UNITS = Set.of("second", "minute", "hour", "day", "week", "month");
    private static final Set<String> FUNNEL_ORDERS = Set.of("ordered", "unordered", "strict");
    private static final Set<String> INTERVALS = Set.of("minute", "hour", "day", "week", "month");
    private static final Set<String> SURVEY_TYPES = Set.of("popover", "widget", "api", "external_survey");
    private static final Set<String> QUESTION_TYPES =
            Set.of("open", "link", "rating", "multiple_choice", "single_choice");
    private static final Set<Integer> RATING_SCALES = Set.of(2, 3, 5, 7, 10);
    private static final Set<String> BEHAVIORAL_VALUES = Set.of(
            "performed_event",
            "performed_event_multiple",
            "performed_event_first_time",
            "performed_event_sequence",
            "performed_event_regularly",
            "stopped_performing_event",
            "restarted_performing_event");
    private static final int MAX_GROUP_TYPES = 5;

    private final long projectId;
    private final String projectToken;
    private final Map<String, Set<String>> keys;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ApiFaultScript faults = new ApiFaultScript();
    private final ApiLimits limits = new ApiLimits();
    private final AtomicLong requestNumbers = new AtomicLong();

    private final Object lock = new Object();
    private final Map<ApiResource, LinkedHashMap<String, ObjectNode>> store = new EnumMap<>(ApiResource.class);
    private final Map<ApiResource, Integer> lastIds = new EnumMap<>(ApiResource.class);
    private final List<String> groupTypes = new ArrayList<>();
    private final List<ApiRequest> requests = new ArrayList<>();
    private final Map<String, Deque<Long>> rateWindows = new HashMap<>();

    private FakePostHogApi(Builder builder) throws IOException {
        this.projectId = builder.projectId;
        this.projectToken = builder.projectToken;
        this.keys = Map.copyOf(builder.keys);
        for (ApiResource resource : ApiResource.values()) {
            store.put(resource, new LinkedHashMap<>());
            lastIds.put(resource, 0);
        }
        int id = SERVERS.incrementAndGet();
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-posthog-api-" + id);
            t.setDaemon(true);
            return t;
        });
        try {
            this.server =
                    HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), builder.port), 64);
        } catch (IOException e) {
            executor.shutdownNow();
            throw e;
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Options: project id and token, personal API keys with their scopes, port. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>}: both the app host of the REST API and the host of local evaluation. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The project's id. */
    public long projectId() {
        return projectId;
    }

    /** The project's API token ({@code phc_...}), named by {@code local_evaluation?token=}. */
    public String projectToken() {
        return projectToken;
    }

    /** Scripted faults, applied before a request is processed. */
    public ApiFaultScript faults() {
        return faults;
    }

    /** Page size and rate limits. */
    public ApiLimits limits() {
        return limits;
    }

    /**
     * Adds a group type, as PostHog does when the first event carrying it arrives; returns its index (0 for the
     * first). Idempotent; at most five per project.
     */
    public int addGroupType(String groupType) {
        synchronized (lock) {
            int existing = groupTypes.indexOf(groupType);
            if (existing >= 0) {
                return existing;
            }
            if (groupTypes.size() == MAX_GROUP_TYPES) {
                throw new IllegalStateException("a project has at most " + MAX_GROUP_TYPES + " group types");
            }
            groupTypes.add(groupType);
            return groupTypes.size() - 1;
        }
    }

    /** Every object of {@code resource}, soft-deleted ones included, oldest first (copies, as the API shows them). */
    public List<ObjectNode> objects(ApiResource resource) {
        synchronized (lock) {
            List<ObjectNode> out = new ArrayList<>();
            for (ObjectNode stored : store.get(resource).values()) {
                out.add(view(resource, stored));
            }
            return out;
        }
    }

    /** Objects of {@code resource} that are not soft-deleted, oldest first. */
    public List<ObjectNode> live(ApiResource resource) {
        return objects(resource).stream()
                .filter(o -> !o.path("deleted").asBoolean(false))
                .toList();
    }

    /** The non-deleted flag with this key. */
    public Optional<ObjectNode> flag(String key) {
        return live(ApiResource.FEATURE_FLAGS).stream()
                .filter(f -> key.equals(f.path("key").asText()))
                .findFirst();
    }

    /**
     * Creates an object as a PostHog user would (same validation as {@code POST}); for setting up a project a test
     * starts from. Returns it as the API shows it.
     *
     * @throws IllegalArgumentException with PostHog's error when the API would refuse it
     */
    public ObjectNode create(ApiResource resource, String json) {
        try {
            synchronized (lock) {
                return view(resource, createObject(resource, parseObject(json)));
            }
        } catch (ApiError e) {
            throw new IllegalArgumentException(e.body().toString(), e);
        }
    }

    /** Updates an object as a PostHog user would ({@code PATCH}); returns it as the API shows it. */
    public ObjectNode update(ApiResource resource, String id, String json) {
        try {
            synchronized (lock) {
                return view(resource, updateObject(resource, find(resource, id), parseObject(json)));
            }
        } catch (ApiError e) {
            throw new IllegalArgumentException(e.body().toString(), e);
        }
    }

    /** Every request received, by arrival (a copy). */
    public List<ApiRequest> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** Requests that asked to change something (POST, PATCH, PUT, DELETE), by arrival. */
    public List<ApiRequest> writes() {
        return requests().stream().filter(ApiRequest::isWrite).toList();
    }

    /** Requests whose path contains {@code fragment}, by arrival. */
    public List<ApiRequest> requestsTo(String fragment) {
        return requests().stream().filter(r -> r.path().contains(fragment)).toList();
    }

    /** Forgets recorded requests and rate windows and clears the fault script; objects and group types stay. */
    public void forgetRequests() {
        synchronized (lock) {
            requests.clear();
            rateWindows.clear();
        }
        faults.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) {
        long number = requestNumbers.incrementAndGet();
        Instant receivedAt = Instant.now();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        String body = "";
        ApiFault fault = null;
        Reply reply;
        try {
            body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            fault = faults.take(method, path);
            if (fault instanceof ApiFault.ResetBeforeProcessing) {
                record(new ApiRequest(number, method, path, query, body, ApiRequest.NO_RESPONSE, fault, receivedAt));
                exchange.close();
                return;
            }
            reply = fault != null ? faultReply(fault) : route(exchange, method, path, query, body);
        } catch (ApiError e) {
            reply = e.reply();
        } catch (IOException e) {
            record(new ApiRequest(number, method, path, query, body, ApiRequest.NO_RESPONSE, fault, receivedAt));
            exchange.close();
            return;
        } catch (RuntimeException e) {
            log.warn("request #{} {} {}: answering 500 after {}", number, method, path, e.toString(), e);
            reply = new ApiError(500, "server_error", "error", "A server error occurred.", null).reply();
        }
        record(new ApiRequest(number, method, path, query, body, reply.status(), fault, receivedAt));
        try {
            send(exchange, reply);
        } catch (IOException e) {
            log.debug("request #{}: reply not delivered: {}", number, e.toString());
            exchange.close();
        }
    }

    private void record(ApiRequest request) {
        synchronized (lock) {
            requests.add(request);
        }
        log.debug("request #{} {} {} -> {}", request.number(), request.method(), request.path(), request.status());
    }

    private Reply faultReply(ApiFault fault) {
        if (fault instanceof ApiFault.RateLimited r) {
            return throttled(r.retryAfterSeconds());
        }
        if (fault instanceof ApiFault.ValidationError v) {
            return new ApiError(400, "validation_error", "invalid_input", v.detail(), v.attr()).reply();
        }
        if (fault instanceof ApiFault.NotPostHog p) {
            byte[] page = ("<html><head><title>" + p.status() + "</title></head><body><center><h1>" + p.status()
                            + "</h1></center><hr><center>nginx</center></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            return new Reply(p.status(), page, "text/html", Map.of());
        }
        int status = ((ApiFault.Status) fault).status();
        if (status == 400) {
            return new ApiError(400, "validation_error", "invalid_input", "Scripted validation error.", null).reply();
        }
        if (status >= 500) {
            return new ApiError(status, "server_error", "error", "A server error occurred.", null).reply();
        }
        return new ApiError(status, "invalid_request", "scripted_fault", "Scripted fault: HTTP " + status + ".", null)
                .reply();
    }

    private Reply route(HttpExchange exchange, String method, String path, String query, String body) {
        Map<String, String> params = queryParams(query);
        String key = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        if (TOKEN_LOCAL_EVALUATION.matcher(path).matches()) {
            if (!projectToken.equals(params.get("token"))) {
                throw notFound();
            }
            return localEvaluation(exchange, method, key);
        }
        Matcher item = ITEM.matcher(path);
        Matcher collection = COLLECTION.matcher(path);
        boolean isItem = item.matches();
        if (!isItem && !collection.matches()) {
            throw notFound();
        }
        Matcher m = isItem ? item : collection;
        checkProject(m.group(2));
        String segment = m.group(3);
        boolean underEnvironments = m.group(1).equals("environments");
        if (segment.equals("groups_types") && !isItem && !underEnvironments) {
            requireScope(key, "group", "GET".equals(method));
            rateLimit(key, "general", limits.perMinute());
            if (!method.equals("GET")) {
                throw methodNotAllowed(method);
            }
            return new Reply(200, groupTypesList());
        }
        ApiResource resource = ApiResource.byCollection(segment).orElseThrow(FakePostHogApi::notFound);
        if (underEnvironments && !resource.servedUnderEnvironments()) {
            throw notFound();
        }
        if (isItem && resource == ApiResource.FEATURE_FLAGS && item.group(4).equals("local_evaluation")) {
            return localEvaluation(exchange, method, key);
        }
        requireScope(key, resource.scope(), method.equals("GET"));
        if (resource == ApiResource.INSIGHTS) {
            rateLimit(key, "insights", limits.insightsPerMinute());
        } else {
            rateLimit(key, "general", limits.perMinute());
        }
        synchronized (lock) {
            if (!isItem) {
                return switch (method) {
                    case "GET" -> new Reply(200, list(resource, path, params));
                    case "POST" -> new Reply(201, view(resource, createObject(resource, parseObject(body))));
                    default -> throw methodNotAllowed(method);
                };
            }
            ObjectNode existing = find(resource, item.group(4));
            return switch (method) {
                case "GET" -> new Reply(200, view(resource, existing));
                case "PATCH", "PUT" ->
                    new Reply(200, view(resource, updateObject(resource, existing, parseObject(body))));
                case "DELETE" -> {
                    if (!resource.hardDelete()) {
                        throw methodNotAllowed(method);
                    }
                    store.get(resource).remove(existing.path("id").asText());
                    yield new Reply(204, null, null, Map.of());
                }
                default -> throw methodNotAllowed(method);
            };
        }
    }

    private String authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new ApiError(
                    401,
                    "authentication_error",
                    "not_authenticated",
                    "Authentication credentials were not provided.",
                    null);
        }
        String token =
                authorization.startsWith("Bearer ") ? authorization.substring(7).trim() : "";
        if (!keys.containsKey(token)) {
            throw new ApiError(
                    401,
                    "authentication_error",
                    "authentication_failed",
                    "Personal API key found in request Authorization header is invalid.",
                    null);
        }
        return token;
    }

    private void requireScope(String key, String object, boolean read) {
        Set<String> scopes = keys.get(key);
        if (scopes.contains("*") || scopes.contains(object + ":write") || (read && scopes.contains(object + ":read"))) {
            return;
        }
        throw new ApiError(
                403,
                "authentication_error",
                "permission_denied",
                "API key missing required scope '" + object + (read ? ":read" : ":write") + "'",
                null);
    }

    private void checkProject(String id) {
        if (!id.equals("@current") && !id.equals(Long.toString(projectId))) {
            throw notFound();
        }
    }

    private void rateLimit(String key, String bucket, int perMinute) {
        long now = System.nanoTime();
        long minute = 60_000_000_000L;
        synchronized (lock) {
            Deque<Long> window = rateWindows.computeIfAbsent(key + "/" + bucket, k -> new ArrayDeque<>());
            while (!window.isEmpty() && now - window.peekFirst() >= minute) {
                window.pollFirst();
            }
            if (window.size() >= perMinute) {
                long waitNanos = minute - (now - window.peekFirst());
                throw new Throttled((waitNanos + 999_999_999L) / 1_000_000_000L);
            }
            window.addLast(now);
        }
    }

    private Reply localEvaluation(HttpExchange exchange, String method, String key) {
        requireScope(key, "feature_flag", true);
        rateLimit(key, "local_evaluation", limits.localEvaluationPerMinute());
        if (!method.equals("GET")) {
            throw methodNotAllowed(method);
        }
        ObjectNode body = JSON.objectNode();
        synchronized (lock) {
            ArrayNode flags = body.putArray("flags");
            for (ObjectNode flag : store.get(ApiResource.FEATURE_FLAGS).values()) {
                if (flag.path("deleted").asBoolean(false)) {
                    continue;
                }
                ObjectNode minimal = flags.addObject();
                for (String field : List.of(
                        "id",
                        "team_id",
                        "name",
                        "key",
                        "filters",
                        "deleted",
                        "active",
                        "ensure_experience_continuity",
                        "version")) {
                    minimal.set(field, flag.get(field).deepCopy());
                }
                minimal.put("has_encrypted_payloads", false);
            }
            ObjectNode mapping = body.putObject("group_type_mapping");
            for (int i = 0; i < groupTypes.size(); i++) {
                mapping.put(Integer.toString(i), groupTypes.get(i));
            }
            body.putObject("cohorts");
        }
        String etag = "\"" + sha1(body.toString()).substring(0, 32) + "\"";
        String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
        if (etag.equals(ifNoneMatch)) {
            return new Reply(304, null, null, Map.of("ETag", etag));
        }
        return new Reply(200, bytes(body), "application/json", Map.of("ETag", etag));
    }

    private ArrayNode groupTypesList() {
        synchronized (lock) {
            ArrayNode list = JSON.arrayNode();
            for (int i = 0; i < groupTypes.size(); i++) {
                ObjectNode type = list.addObject();
                type.put("group_type", groupTypes.get(i));
                type.put("group_type_index", i);
                type.putNull("name_singular");
                type.putNull("name_plural");
            }
            return list;
        }
    }

    // ---------------------------------------------------------------- objects

    private ObjectNode list(ApiResource resource, String path, Map<String, String> params) {
        int limit = intParam(params, "limit", limits.pageSize());
        int offset = intParam(params, "offset", 0);
        String search = params.get("search");
        String shortId = params.get("short_id");
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode stored : store.get(resource).values()) {
            if (stored.path("deleted").asBoolean(false)) {
                continue;
            }
            if (search != null && !matchesSearch(resource, stored, search.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (shortId != null
                    && resource == ApiResource.INSIGHTS
                    && !shortId.equals(stored.path("short_id").asText())) {
                continue;
            }
            matching.add(stored);
        }
        java.util.Collections.reverse(matching); // newest first, as PostHog orders by -created_at
        ObjectNode page = JSON.objectNode();
        page.put("count", matching.size());
        String base = baseUri() + path;
        if (offset + limit < matching.size()) {
            page.put("next", pageLink(base, params, limit, offset + limit));
        } else {
            page.putNull("next");
        }
        if (offset > 0) {
            page.put("previous", pageLink(base, params, limit, Math.max(0, offset - limit)));
        } else {
            page.putNull("previous");
        }
        ArrayNode results = page.putArray("results");
        for (int i = offset; i < Math.min(matching.size(), offset + limit); i++) {
            results.add(view(resource, matching.get(i)));
        }
        return page;
    }

    private static boolean matchesSearch(ApiResource resource, ObjectNode object, String search) {
        List<String> fields = switch (resource) {
            case FEATURE_FLAGS -> List.of("key", "name");
            case SURVEYS, INSIGHTS -> List.of("name", "description");
            default -> List.of("name");
        };
        for (String field : fields) {
            if (object.path(field).asText("").toLowerCase(Locale.ROOT).contains(search)) {
                return true;
            }
        }
        return false;
    }

    private static String pageLink(String base, Map<String, String> params, int limit, int offset) {
        Map<String, String> next = new LinkedHashMap<>(params);
        next.put("limit", Integer.toString(limit));
        if (offset == 0) {
            next.remove("offset");
        } else {
            next.put("offset", Integer.toString(offset));
        }
        StringBuilder link = new StringBuilder(base);
        char separator = '?';
        for (Map.Entry<String, String> e : next.entrySet()) {
            link.append(separator)
                    .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return link.toString();
    }

    private ObjectNode find(ApiResource resource, String id) {
        ObjectNode stored = store.get(resource).get(id);
        if (stored == null) {
            throw notFound();
        }
        return stored;
    }

    private ObjectNode createObject(ApiResource resource, ObjectNode body) {
        ObjectNode object = body.deepCopy();
        String now = Instant.now().toString();
        object.put("created_at", now);
        object.put("deleted", false);
        switch (resource) {
            case FEATURE_FLAGS -> prepareNewFlag(object);
            case COHORTS -> prepareCohort(object, true);
            case INSIGHTS -> prepareInsight(object, true);
            case DASHBOARDS -> {
                text(object, "name", "");
                text(object, "description", "");
                object.put("pinned", object.path("pinned").asBoolean(false));
            }
            case SURVEYS -> prepareSurvey(object, true);
        }
        String id;
        if (resource == ApiResource.SURVEYS) {
            id = UUID.randomUUID().toString();
            object.put("id", id);
        } else {
            int next = lastIds.merge(resource, 1, Integer::sum);
            object.put("id", next);
            id = Integer.toString(next);
        }
        if (resource == ApiResource.FEATURE_FLAGS) {
            boolean usageDashboard =
                    object.path("_should_create_usage_dashboard").asBoolean(true);
            object.remove("_should_create_usage_dashboard");
            object.put("team_id", projectId);
            if (usageDashboard) {
                ObjectNode dashboard = JSON.objectNode();
                dashboard.put(
                        "name", "Generated Dashboard: " + object.path("key").asText() + " Usage");
                object.put(
                        "usage_dashboard",
                        createObject(ApiResource.DASHBOARDS, dashboard)
                                .path("id")
                                .asInt());
            } else {
                object.putNull("usage_dashboard");
            }
        }
        object.put("last_modified_at", now);
        store.get(resource).put(id, object);
        return object;
    }

    private ObjectNode updateObject(ApiResource resource, ObjectNode existing, ObjectNode body) {
        ObjectNode merged = existing.deepCopy();
        for (String readOnly : List.of("id", "created_at", "short_id", "team_id", "usage_dashboard")) {
            body.remove(readOnly);
        }
        switch (resource) {
            case FEATURE_FLAGS -> {
                if (body.has("version")
                        && body.path("version").asInt()
                                != existing.path("version").asInt()) {
                    throw new ApiError(
                            409,
                            "server_error",
                            "conflict",
                            "The feature flag was updated since you started editing it. Please refresh and try"
                                    + " again.",
                            null);
                }
                body.remove("version");
                if (body.has("key")) {
                    validateFlagKey(body.path("key"), existing.path("id").asText());
                }
                if (body.has("filters")) {
                    validateFlagFilters(body.path("filters"));
                }
                body.remove("_should_create_usage_dashboard");
                merged.setAll(body);
                merged.put("version", existing.path("version").asInt() + 1);
            }
            case COHORTS -> {
                merged.setAll(body);
                prepareCohort(merged, body.has("filters"));
            }
            case INSIGHTS -> {
                merged.setAll(body);
                prepareInsight(merged, body.has("query") || body.has("dashboards"));
            }
            case SURVEYS -> {
                merged.setAll(body);
                prepareSurvey(merged, body.has("questions") || body.has("type") || body.has("name"));
            }
            case DASHBOARDS -> merged.setAll(body);
        }
        merged.put("last_modified_at", Instant.now().toString());
        store.get(resource).put(existing.path("id").asText(), merged);
        return merged;
    }

    private void prepareNewFlag(ObjectNode flag) {
        if (!flag.has("key")) {
            throw required("key");
        }
        validateFlagKey(flag.path("key"), null);
        // creating a flag with the key of a soft-deleted one hard-deletes the old one
        store.get(ApiResource.FEATURE_FLAGS)
                .values()
                .removeIf(f -> f.path("deleted").asBoolean(false)
                        && f.path("key").asText().equals(flag.path("key").asText()));
        if (!flag.has("filters")) {
            flag.set("filters", JSON.objectNode().set("groups", JSON.arrayNode()));
        }
        validateFlagFilters(flag.path("filters"));
        text(flag, "name", "");
        flag.put("active", flag.path("active").asBoolean(true));
        flag.put(
                "ensure_experience_continuity",
                flag.path("ensure_experience_continuity").asBoolean(false));
        flag.put("version", 1);
    }

    private void validateFlagKey(JsonNode key, String ownId) {
        if (!key.isTextual() || key.asText().isEmpty()) {
            throw invalid("key", "blank", "This field may not be blank.");
        }
        for (ObjectNode other : store.get(ApiResource.FEATURE_FLAGS).values()) {
            if (!other.path("deleted").asBoolean(false)
                    && other.path("key").asText().equals(key.asText())
                    && !other.path("id").asText().equals(ownId)) {
                throw invalid("key", "unique", "There is already a feature flag with this key.");
            }
        }
        if (!FLAG_KEY.matcher(key.asText()).matches()) {
            throw invalid("key", "invalid_key", "Only letters, numbers, hyphens (-) & underscores (_) are allowed.");
        }
    }

    private void validateFlagFilters(JsonNode filters) {
        if (!filters.isObject() || !filters.path("groups").isArray()) {
            throw invalid("filters", "invalid_input", "Filters are not valid (groups must be a list)");
        }
        JsonNode index = filters.path("aggregation_group_type_index");
        boolean groupFlag = !index.isMissingNode() && !index.isNull();
        for (JsonNode group : filters.path("groups")) {
            for (JsonNode property : group.path("properties")) {
                String type = property.path("type").asText("");
                if (groupFlag) {
                    if (!type.equals("group")
                            || property.path("group_type_index").asInt(-1) != index.asInt()) {
                        throw invalid(
                                "filters", "invalid_input", "Filters are not valid (can only use group properties)");
                    }
                } else if (type.equals("group")) {
                    throw invalid(
                            "filters",
                            "invalid_input",
                            "Filters are not valid (can only use person and cohort properties)");
                }
                if (type.equals("cohort")) {
                    ObjectNode cohort = store.get(ApiResource.COHORTS)
                            .get(property.path("value").asText());
                    if (cohort == null || cohort.path("deleted").asBoolean(false)) {
                        throw invalid(
                                "filters",
                                "cohort_does_not_exist",
                                "Cohort with id " + property.path("value").asText() + " does not exist");
                    }
                    if (cohort.path("filters").toString().contains("\"behavioral\"")) {
                        throw invalid(
                                "filters",
                                "behavioral_cohort_found",
                                "Cohort '" + cohort.path("name").asText()
                                        + "' with filters on events cannot be used in feature flags.");
                    }
                }
            }
            JsonNode rollout = group.path("rollout_percentage");
            if (!rollout.isMissingNode() && !rollout.isNull() && (rollout.asDouble() < 0 || rollout.asDouble() > 100)) {
                throw invalid("filters", "invalid_input", "Rollout percentage must be between 0 and 100.");
            }
        }
        JsonNode variants = filters.path("multivariate").path("variants");
        if (variants.isArray() && !variants.isEmpty()) {
            double sum = 0;
            for (JsonNode variant : variants) {
                sum += variant.path("rollout_percentage").asDouble();
            }
            if (sum != 100) {
                throw invalid(
                        "filters",
                        "invalid_input",
                        "Invalid variant definitions: Variant rollout percentages must sum to 100.");
            }
        }
    }

    private void prepareCohort(ObjectNode cohort, boolean filtersChanged) {
        text(cohort, "name", "");
        text(cohort, "description", "");
        cohort.put("is_static", cohort.path("is_static").asBoolean(false));
        if (!cohort.has("filters")) {
            cohort.set(
                    "filters",
                    JSON.objectNode()
                            .set(
                                    "properties",
                                    JSON.objectNode().put("type", "AND").set("values", JSON.arrayNode())));
        }
        if (filtersChanged) {
            JsonNode properties = cohort.path("filters").path("properties");
            if (!properties.isObject()
                    || !Set.of("AND", "OR").contains(properties.path("type").asText())) {
                throw invalid("filters", "invalid_input", "Must contain a 'properties' key with type AND or OR");
            }
            addComputedCohortFields(properties);
        }
        cohort.put("is_calculating", false);
        cohort.putNull("count");
    }

    /** Validates behavioural leaves and adds what PostHog computes on each: {@code bytecode} and {@code conditionHash}. */
    private void addComputedCohortFields(JsonNode node) {
        if (!node.isObject()) {
            return;
        }
        ObjectNode object = (ObjectNode) node;
        String type = object.path("type").asText();
        if (type.equals("AND") || type.equals("OR")) {
            for (JsonNode child : object.path("values")) {
                addComputedCohortFields(child);
            }
            return;
        }
        if (type.equals("behavioral")) {
            String value = object.path("value").asText();
            if (!BEHAVIORAL_VALUES.contains(value)) {
                throw invalid("filters", "invalid_input", "\"" + value + "\" is not a valid behavioral filter value.");
            }
            if (!object.path("key").isTextual() || object.path("key").asText().isBlank()) {
                throw invalid("filters", "invalid_input", "A behavioral filter needs an event as 'key'.");
            }
            if (value.equals("performed_event_multiple") && !object.has("operator_value")) {
                throw invalid("filters", "invalid_input", "performed_event_multiple needs 'operator_value'.");
            }
        }
        ObjectNode declared = object.deepCopy();
        declared.remove("bytecode");
        declared.remove("conditionHash");
        String hash = sha1(declared.toString()).substring(0, 16);
        object.put("conditionHash", hash);
        ArrayNode bytecode = object.putArray("bytecode");
        bytecode.add("_H").add(1).add(32).add(object.path("key").asText(""));
    }

    private void prepareInsight(ObjectNode insight, boolean validate) {
        text(insight, "name", "");
        text(insight, "description", "");
        if (!insight.has("short_id")) {
            insight.put("short_id", randomShortId());
        }
        if (!insight.has("dashboards")) {
            insight.putArray("dashboards");
        }
        if (validate) {
            JsonNode query = insight.path("query");
            if (!query.isMissingNode() && !query.isNull()) {
                validateQuery(query);
            }
            JsonNode dashboards = insight.path("dashboards");
            if (!dashboards.isArray()) {
                throw invalid(
                        "dashboards",
                        "not_a_list",
                        "Expected a list of items but got type \""
                                + dashboards.getNodeType().toString().toLowerCase(Locale.ROOT) + "\".");
            }
            for (JsonNode dashboardId : dashboards) {
                ObjectNode dashboard = store.get(ApiResource.DASHBOARDS).get(dashboardId.asText());
                if (dashboard == null || dashboard.path("deleted").asBoolean(false)) {
                    throw invalid(
                            "dashboards",
                            "does_not_exist",
                            "Invalid pk \"" + dashboardId.asText() + "\" - object does not exist.");
                }
            }
        }
        insight.putNull("result");
        insight.putNull("last_refresh");
        insight.put("saved", insight.path("saved").asBoolean(false));
    }

    private static void validateQuery(JsonNode query) {
        String kind = query.path("kind").asText("");
        if (kind.equals("InsightVizNode")) {
            JsonNode source = query.path("source");
            String sourceKind = source.path("kind").asText("");
            if (!INSIGHT_SOURCE_KINDS.contains(sourceKind)) {
                throw invalid("query", "invalid_input", "Unknown insight source kind '" + sourceKind + "'.");
            }
            if (!source.path("series").isArray()) {
                throw invalid("query", "invalid_input", "source.series: Field required");
            }
            for (JsonNode node : source.path("series")) {
                if (!SERIES_KINDS.contains(node.path("kind").asText(""))) {
                    throw invalid(
                            "query",
                            "invalid_input",
                            "Unknown series kind '" + node.path("kind").asText("") + "'.");
                }
            }
            JsonNode funnels = source.path("funnelsFilter");
            if (funnels.has("funnelWindowIntervalUnit")
                    && !WINDOW_UNITS.contains(
                            funnels.path("funnelWindowIntervalUnit").asText())) {
                throw invalid(
                        "query",
                        "invalid_input",
                        "funnelsFilter.funnelWindowIntervalUnit: Input should be " + WINDOW_UNITS);
            }
            if (funnels.has("funnelOrderType")
                    && !FUNNEL_ORDERS.contains(funnels.path("funnelOrderType").asText())) {
                throw invalid(
                        "query", "invalid_input", "funnelsFilter.funnelOrderType: Input should be " + FUNNEL_ORDERS);
            }
            if (source.has("interval")
                    && !INTERVALS.contains(source.path("interval").asText())) {
                throw invalid("query", "invalid_input", "interval: Input should be " + INTERVALS);
            }
        } else if (!Set.of("DataTableNode", "DataVisualizationNode", "HogQLQuery")
                .contains(kind)) {
            throw invalid("query", "invalid_input", "Unknown query kind '" + kind + "'.");
        }
    }

    private void prepareSurvey(ObjectNode survey, boolean validate) {
        if (validate) {
            if (!survey.path("name").isTextual() || survey.path("name").asText().isBlank()) {
                throw required("name");
            }
            String type = survey.path("type").asText("");
            if (!survey.has("type")) {
                throw required("type");
            }
            if (!SURVEY_TYPES.contains(type)) {
                throw invalid("type", "invalid_choice", "\"" + type + "\" is not a valid choice.");
            }
            JsonNode questions = survey.path("questions");
            if (!questions.isMissingNode() && !questions.isNull()) {
                if (!questions.isArray()) {
                    throw invalid("questions", "invalid_input", "Questions must be a list of objects");
                }
                for (JsonNode question : questions) {
                    validateQuestion(question);
                    if (!question.has("id")) {
                        ((ObjectNode) question).put("id", UUID.randomUUID().toString());
                    }
                }
            }
        }
        text(survey, "description", "");
        for (String field :
                List.of("start_date", "end_date", "linked_flag", "targeting_flag", "conditions", "appearance")) {
            if (!survey.has(field)) {
                survey.putNull(field);
            }
        }
        survey.put("archived", survey.path("archived").asBoolean(false));
    }

    private static void validateQuestion(JsonNode question) {
        if (!question.isObject()) {
            throw invalid("questions", "invalid_input", "Questions must be a list of objects");
        }
        if (question.path("question").asText("").isEmpty()) {
            throw invalid("questions", "invalid_input", "Question text is required");
        }
        String type = question.path("type").asText("");
        if (!QUESTION_TYPES.contains(type)) {
            throw invalid("questions", "invalid_input", "Question type must be one of " + QUESTION_TYPES);
        }
        JsonNode choices = question.path("choices");
        if (type.endsWith("_choice")) {
            if (!choices.isArray() || choices.isEmpty()) {
                throw invalid("questions", "invalid_input", "Question choices must be a list of strings");
            }
            for (JsonNode choice : choices) {
                if (choice.asText("").strip().isEmpty()) {
                    throw invalid("questions", "invalid_input", "Question choices cannot be empty");
                }
            }
        }
        if (type.equals("rating")) {
            if (question.has("scale")
                    && !RATING_SCALES.contains(question.path("scale").asInt())) {
                throw invalid("questions", "invalid_input", "Rating scale must be one of " + RATING_SCALES);
            }
            if (question.has("display")
                    && !Set.of("number", "emoji")
                            .contains(question.path("display").asText())) {
                throw invalid("questions", "invalid_input", "Rating display must be 'number' or 'emoji'");
            }
        }
    }

    /** The object as the API shows it: stored fields plus those computed at read time (dashboard tiles). */
    private ObjectNode view(ApiResource resource, ObjectNode stored) {
        ObjectNode view = stored.deepCopy();
        if (resource == ApiResource.DASHBOARDS) {
            ArrayNode tiles = view.putArray("tiles");
            for (ObjectNode insight : store.get(ApiResource.INSIGHTS).values()) {
                if (insight.path("deleted").asBoolean(false)) {
                    continue;
                }
                for (JsonNode dashboardId : insight.path("dashboards")) {
                    if (dashboardId.asText().equals(stored.path("id").asText())) {
                        ObjectNode tile = tiles.addObject();
                        tile.put(
                                "id",
                                insight.path("id").asInt() * 1000
                                        + stored.path("id").asInt());
                        ObjectNode summary = tile.putObject("insight");
                        summary.set("id", insight.get("id"));
                        summary.set("short_id", insight.get("short_id"));
                        summary.set("name", insight.get("name"));
                    }
                }
            }
        }
        return view;
    }

    // ---------------------------------------------------------------- helpers

    private ObjectNode parseObject(String body) {
        try {
            JsonNode node = mapper.readTree(body.isEmpty() ? "{}" : body);
            if (!node.isObject()) {
                throw new ApiError(
                        400,
                        "validation_error",
                        "parse_error",
                        "Invalid data. Expected a dictionary, but got " + node.getNodeType() + ".",
                        null);
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new ApiError(
                    400, "validation_error", "parse_error", "JSON parse error - " + e.getOriginalMessage(), null);
        }
    }

    private static void text(ObjectNode object, String field, String fallback) {
        if (!object.path(field).isTextual()) {
            object.put(field, fallback);
        }
    }

    private static String randomShortId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder id = new StringBuilder();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 8; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    private static Map<String, String> queryParams(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
        return params;
    }

    private static int intParam(Map<String, String> params, String name, int fallback) {
        String value = params.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            return parsed < 0 ? fallback : parsed;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiError notFound() {
        return new ApiError(404, "invalid_request", "not_found", "Not found.", null);
    }

    private static ApiError methodNotAllowed(String method) {
        return new ApiError(
                405, "invalid_request", "method_not_allowed", "Method \"" + method + "\" not allowed.", null);
    }

    private static ApiError required(String attr) {
        return invalid(attr, "required", "This field is required.");
    }

    private static ApiError invalid(String attr, String code, String detail) {
        return new ApiError(400, "validation_error", code, detail, attr);
    }

    private static Reply throttled(long retryAfterSeconds) {
        ObjectNode body = error(
                "throttled_error",
                "throttled",
                "Request was throttled. Expected available in " + retryAfterSeconds + " second"
                        + (retryAfterSeconds == 1 ? "" : "s") + ".",
                null);
        return new Reply(
                429,
                body.toString().getBytes(StandardCharsets.UTF_8),
                "application/json",
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    private static ObjectNode error(String type, String code, String detail, String attr) {
        ObjectNode body = JSON.objectNode();
        body.put("type", type);
        body.put("code", code);
        body.put("detail", detail);
        if (attr == null) {
            body.putNull("attr");
        } else {
            body.put("attr", attr);
        }
        return body;
    }

    private record Reply(int status, byte[] body, String contentType, Map<String, String> headers) {
        Reply(int status, JsonNode json) {
            this(status, json.toString().getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        try (exchange) {
            reply.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            if (reply.body() == null) {
                exchange.sendResponseHeaders(reply.status(), -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    /** An answer other than success, with PostHog's error body. */
    private static class ApiError extends RuntimeException {
        private final int status;
        private final ObjectNode body;

        ApiError(int status, String type, String code, String detail, String attr) {
            super(detail, null, false, false);
            this.status = status;
            this.body = error(type, code, detail, attr);
        }

        ObjectNode body() {
            return body;
        }

        Reply reply() {
            return new Reply(status, body);
        }
    }

    private static final class Throttled extends ApiError {
        private final long retryAfterSeconds;

        Throttled(long retryAfterSeconds) {
            super(429, "throttled_error", "throttled", "Request was throttled.", null);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        Reply reply() {
            return throttled(retryAfterSeconds);
        }
    }

    /** Options for a {@link FakePostHogApi}. */
    public static final class Builder {
        private long projectId = 1;
        private String projectToken = "phc_fake_project_token";
        private final Map<String, Set<String>> keys = new LinkedHashMap<>();
        private int port;

        private Builder() {}

        /** The project's id (default 1). */
        public Builder projectId(long projectId) {
            if (projectId < 1) {
                throw new IllegalArgumentException("projectId must be positive, got " + projectId);
            }
            this.projectId = projectId;
            return this;
        }

        /** The project's API token (default {@code phc_fake_project_token}). */
        public Builder projectToken(String projectToken) {
            this.projectToken = Objects.requireNonNull(projectToken, "projectToken");
            return this;
        }

        /**
         * Accepts personal API key {@code key} with {@code scopes} ({@code feature_flag:write}, {@code group:read},
         * ... or {@code *} for all). Call once per key.
         */
        public Builder personalApiKey(String key, String... scopes) {
            Objects.requireNonNull(key, "key");
            keys.put(key, new LinkedHashSet<>(List.of(scopes)));
            return this;
        }

        /** Port to bind on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Starts the server. */
        public FakePostHogApi start() {
            if (keys.isEmpty()) {
                throw new IllegalStateException("at least one personalApiKey is required");
            }
            try {
                return new FakePostHogApi(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the fake PostHog API on port " + port, e);
            }
        }
    }
}
