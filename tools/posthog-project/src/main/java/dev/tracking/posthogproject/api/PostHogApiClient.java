package dev.tracking.posthogproject.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracking.posthogproject.api.PostHogApiException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostHog's private REST API for one project, as the tool needs it: list (following {@code next} links), create,
 * update, delete, and the project's group types. Authenticates with a personal API key ({@code Authorization: Bearer};
 * the key appears in no message, log line or {@code toString}).
 *
 * <p>Answers: 429 is waited out as {@code Retry-After} asks (at most {@code maxRetryWait} per wait, five attempts; a
 * 429 is refused before processing, so even a POST is safe to repeat); a GET that meets a 5xx, a timeout or a broken
 * connection is tried three times; a POST or PATCH is not repeated after one (it may have been applied), the error
 * says so. Every other refusal becomes a {@link PostHogApiException} naming the operation, the object, PostHog's
 * status and error, the field PostHog named (400) and the missing scope (403).
 */
public final class PostHogApiClient {
    /** Scopes a personal API key needs for {@code apply} ({@code plan} needs only their {@code :read} forms). */
    public static final List<String> REQUIRED_SCOPES = List.of(
            "cohort:write", "dashboard:write", "feature_flag:write", "group:read", "insight:write", "survey:write");

    private static final Pattern SCOPE = Pattern.compile("scope '([a-z_]+:[a-z]+)'");
    private static final int MAX_ATTEMPTS = 5;
    private static final int MAX_ATTEMPTS_AFTER_FAILURE = 3;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI host;
    private final long projectId;
    private final String apiKey;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final Duration maxRetryWait;
    private final Consumer<String> notices;
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * @param host the app host ({@code https://us.posthog.com}, {@code https://eu.posthog.com}, self-hosted URL)
     * @param maxRetryWait the longest {@code Retry-After} waited out; a longer one fails the run
     * @param notices where waits are announced (one line each)
     */
    public PostHogApiClient(
            URI host,
            long projectId,
            String apiKey,
            HttpClient http,
            Sleeper sleeper,
            Duration maxRetryWait,
            Consumer<String> notices) {
        this.host = Objects.requireNonNull(host, "host");
        this.projectId = projectId;
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.http = Objects.requireNonNull(http, "http");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.maxRetryWait = Objects.requireNonNull(maxRetryWait, "maxRetryWait");
        this.notices = Objects.requireNonNull(notices, "notices");
    }

    /** A group type of the project: {@code team} at index 0. */
    public record GroupType(String name, int index) {}

    /** The project's group types ({@code GET groups_types/}, a plain list). */
    public List<GroupType> groupTypes() throws PostHogApiException {
        JsonNode list = send(
                "GET", "/api/projects/" + projectId + "/groups_types/", null, "read the group types", "group", true);
        List<GroupType> types = new ArrayList<>();
        for (JsonNode type : list) {
            types.add(new GroupType(
                    type.path("group_type").asText(),
                    type.path("group_type_index").asInt()));
        }
        return types;
    }

    /** Every object of {@code type} that is not deleted, following {@code next} links page by page. */
    public List<ObjectNode> list(ObjectType type) throws PostHogApiException {
        List<ObjectNode> all = new ArrayList<>();
        String next = type.collectionPath(projectId);
        int pages = 0;
        while (next != null) {
            JsonNode page = send("GET", next, null, "list " + type.label() + "s", type.scope(), true);
            for (JsonNode object : page.path("results")) {
                all.add((ObjectNode) object);
            }
            JsonNode link = page.path("next");
            next = link.isTextual() && !link.asText().isEmpty() ? link.asText() : null;
            if (++pages > 10_000) {
                throw new PostHogApiException(
                        Kind.UNAVAILABLE,
                        200,
                        "list " + type.label() + "s: more than 10,000 pages; PostHog's next links do not end");
            }
        }
        return all;
    }

    /** Creates an object; {@code name} is its declared id, for messages. Returns it as PostHog answered. */
    public ObjectNode create(ObjectType type, String name, ObjectNode body) throws PostHogApiException {
        return (ObjectNode) send(
                "POST", type.collectionPath(projectId), body, "create " + describe(type, name), type.scope(), false);
    }

    /** Updates the fields in {@code patch} of object {@code remoteId}. Returns it as PostHog answered. */
    public ObjectNode update(ObjectType type, String name, String remoteId, ObjectNode patch)
            throws PostHogApiException {
        return (ObjectNode) send(
                "PATCH",
                type.collectionPath(projectId) + remoteId + "/",
                patch,
                "update " + describe(type, name),
                type.scope(),
                false);
    }

    /** Deletes the way PostHog wants: {@code DELETE} for surveys, {@code PATCH {"deleted": true}} for the others. */
    public void delete(ObjectType type, String name, String remoteId) throws PostHogApiException {
        String path = type.collectionPath(projectId) + remoteId + "/";
        if (type.hardDelete()) {
            send("DELETE", path, null, "delete " + describe(type, name), type.scope(), false);
        } else {
            ObjectNode deleted = mapper.createObjectNode().put("deleted", true);
            send("PATCH", path, deleted, "delete " + describe(type, name), type.scope(), false);
        }
    }

    @Override
    public String toString() {
        return "PostHogApiClient[" + host + ", project " + projectId + "]";
    }

    /** The host without a trailing slash; a self-hosted PostHog under a path keeps it. */
    private String base() {
        String text = host.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static String describe(ObjectType type, String name) {
        return type.label() + " '" + name + "'";
    }

    private JsonNode send(
            String method, String pathOrUrl, JsonNode body, String operation, String scope, boolean projectLevel)
            throws PostHogApiException {
        URI uri = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : URI.create(base() + pathOrUrl);
        boolean repeatable = method.equals("GET");
        int failures = 0;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(request(method, uri, body), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                if (repeatable && ++failures < MAX_ATTEMPTS_AFTER_FAILURE) {
                    backOff(operation, failures, "timed out");
                    continue;
                }
                throw new PostHogApiException(
                        Kind.UNAVAILABLE,
                        0,
                        operation + ": PostHog at " + host + " did not answer within " + REQUEST_TIMEOUT.toSeconds()
                                + " s" + unknownOutcome(method),
                        e);
            } catch (IOException e) {
                if (repeatable && ++failures < MAX_ATTEMPTS_AFTER_FAILURE) {
                    backOff(operation, failures, "connection failed");
                    continue;
                }
                throw new PostHogApiException(
                        Kind.UNAVAILABLE,
                        0,
                        operation + ": cannot reach PostHog at " + host + " (" + e + ")" + unknownOutcome(method),
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostHogApiException(Kind.UNAVAILABLE, 0, operation + ": interrupted", e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return parse(response, operation);
            }
            if (status == 429 && attempt < MAX_ATTEMPTS) {
                Duration wait = retryAfter(response, attempt);
                if (wait.compareTo(maxRetryWait) > 0) {
                    throw new PostHogApiException(
                            Kind.UNAVAILABLE,
                            429,
                            operation + ": PostHog rate-limits this key"
                                    + " (429) and asks to wait " + wait.toSeconds() + " s, more than --max-retry-wait "
                                    + maxRetryWait.toSeconds() + " s; run again later");
                }
                notices.accept("PostHog rate limit (429) on " + operation + ": waiting " + wait.toSeconds()
                        + " s as Retry-After asks (attempt " + attempt + " of " + MAX_ATTEMPTS + ")");
                sleep(wait, operation);
                continue;
            }
            if (status >= 500 && repeatable && ++failures < MAX_ATTEMPTS_AFTER_FAILURE) {
                backOff(operation, failures, "HTTP " + status);
                continue;
            }
            throw refusal(method, status, response, operation, scope, projectLevel);
        }
    }

    private HttpRequest request(String method, URI uri, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json")
                .header("User-Agent", "posthog-project");
        if (body == null) {
            return request.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        try {
            return request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a request body", e);
        }
    }

    private JsonNode parse(HttpResponse<String> response, String operation) throws PostHogApiException {
        if (response.statusCode() == 204 || response.body().isEmpty()) {
            return mapper.nullNode();
        }
        try {
            return mapper.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new PostHogApiException(
                    Kind.UNAVAILABLE,
                    response.statusCode(),
                    operation + ": the answer ("
                            + response.statusCode() + ", " + contentType(response) + ") is not JSON: is " + host
                            + " PostHog's app host?",
                    e);
        }
    }

    private PostHogApiException refusal(
            String method,
            int status,
            HttpResponse<String> response,
            String operation,
            String scope,
            boolean projectLevel) {
        Optional<JsonNode> error = errorBody(response);
        if (error.isEmpty()) {
            Kind kind = status == 404 ? Kind.PROJECT_NOT_FOUND : Kind.UNAVAILABLE;
            return new PostHogApiException(
                    kind,
                    status,
                    operation + ": the answer (" + status + ", "
                            + contentType(response) + ") is not PostHog's API: check POSTHOG_APP_HOST (" + host
                            + "): https://us.posthog.com, https://eu.posthog.com or a self-hosted PostHog's URL");
        }
        String code = error.get().path("code").asText("");
        String detail = error.get().path("detail").asText("");
        String attr =
                error.get().path("attr").isTextual() ? error.get().path("attr").asText() : null;
        String said = " (" + status + (code.isEmpty() ? "" : " " + code) + ": " + detail + ")";
        return switch (status) {
            case 401 ->
                new PostHogApiException(
                        Kind.ACCESS,
                        status,
                        operation + ": PostHog refused the personal API"
                                + " key" + said
                                + "; set POSTHOG_PERSONAL_API_KEY to a valid personal API key (phx_...) of a"
                                + " member of project " + projectId);
            case 403 -> {
                Matcher named = SCOPE.matcher(detail);
                String missing = named.find() ? named.group(1) : scope + (method.equals("GET") ? ":read" : ":write");
                yield new PostHogApiException(
                        Kind.ACCESS,
                        status,
                        operation + ": the personal API key lacks scope '"
                                + missing + "'" + said + "; give the key these scopes: "
                                + String.join(", ", REQUIRED_SCOPES)
                                + " (and access to project " + projectId + ")");
            }
            case 404 ->
                projectLevel
                        ? new PostHogApiException(
                                Kind.PROJECT_NOT_FOUND,
                                status,
                                operation + ": PostHog has no project "
                                        + projectId + " at " + host + said
                                        + "; check POSTHOG_PROJECT_ID (the number in the"
                                        + " project's URL, /project/<id>) and POSTHOG_APP_HOST (https://us.posthog.com,"
                                        + " https://eu.posthog.com or a self-hosted URL)")
                        : new PostHogApiException(
                                Kind.REFUSED,
                                status,
                                operation + ": not found" + said + "; was it deleted meanwhile? Run plan again");
            case 400 ->
                new PostHogApiException(
                        Kind.REFUSED,
                        status,
                        operation + ": PostHog refused "
                                + (attr == null ? "it" : "field '" + attr + "'") + ": " + detail + " (400"
                                + (code.isEmpty() ? "" : " " + code) + ")");
            case 409 ->
                new PostHogApiException(
                        Kind.REFUSED, status, operation + ": changed in PostHog meanwhile" + said + "; run plan again");
            case 429 ->
                new PostHogApiException(
                        Kind.UNAVAILABLE,
                        status,
                        operation + ": still rate-limited after " + MAX_ATTEMPTS + " attempts" + said
                                + "; run again later");
            default ->
                new PostHogApiException(
                        status >= 500 ? Kind.UNAVAILABLE : Kind.REFUSED,
                        status,
                        operation + ": PostHog answered " + status + said + unknownOutcome(method));
        };
    }

    private Optional<JsonNode> errorBody(HttpResponse<String> response) {
        try {
            JsonNode body = mapper.readTree(response.body());
            return body != null && body.isObject() && body.has("detail") ? Optional.of(body) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static String unknownOutcome(String method) {
        return method.equals("GET")
                ? ""
                : "; the change may or may not have been applied: run plan to see where the project stands";
    }

    private static String contentType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("no content type");
    }

    /** {@code Retry-After} as seconds or an HTTP date; without one, 1, 2, 4... seconds. */
    static Duration retryAfter(HttpResponse<?> response, int attempt) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        Duration fallback = Duration.ofSeconds(1L << Math.min(attempt - 1, 5));
        if (header.isEmpty()) {
            return fallback;
        }
        String value = header.get().trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return fallback;
            }
        }
    }

    private void backOff(String operation, int failures, String what) throws PostHogApiException {
        Duration wait = Duration.ofSeconds(1L << (failures - 1));
        notices.accept(operation + ": " + what + "; trying again in " + wait.toSeconds() + " s");
        sleep(wait, operation);
    }

    private void sleep(Duration wait, String operation) throws PostHogApiException {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostHogApiException(Kind.UNAVAILABLE, 0, operation + ": interrupted while waiting", e);
        }
    }
}
