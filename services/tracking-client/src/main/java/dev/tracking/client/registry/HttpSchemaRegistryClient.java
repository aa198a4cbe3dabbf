package dev.tracking.client.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over HTTP, on the JDK HTTP client. Thread-safe; one per registry is enough.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = HttpSchemaRegistryClient.builder(URI.create("https://registry.example:8081"))
 *         .basicAuth("svc-tracking", secret)
 *         .build();
 * }</pre>
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>each request has a timeout ({@link Builder#requestTimeout}, default 10 s; connecting: {@link
 *       Builder#connectTimeout}, default 5 s);
 *   <li>connection failures, timeouts, 5xx and 429 are retried, at most {@link Builder#maxAttempts} attempts in all
 *       (default 3) with doubling waits (default 200 ms, 400 ms, capped at 2 s); when every attempt failed it throws
 *       {@link SchemaRegistryUnavailableException}. Other answers are not retried: where "absent" is a valid answer,
 *       a 404 carrying the registry's own "not found" error ({@code error_code} 404xx: 40401 subject, 40402 version,
 *       40403 schema, 40408 no subject level) is an empty result; a 404 without one (no body, a proxy's page, the
 *       server's generic {@code error_code} 404) means there is no registry API at the URL, a {@link
 *       SchemaRegistryException}, as is any other refusal;
 *   <li>errors name the registry URL, the operation and the subject; credentials (basic auth, given explicitly or as
 *       the URL's user-info) are sent as an {@code Authorization} header and never appear in a message or a log;
 *   <li>TLS uses the JDK's default trust unless a trust store or an {@link SSLContext} is given.
 * </ul>
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);

    private final URI url;
    private final String authorization;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Transport transport;
    private final Sleeper sleeper;
    private final AtomicLong requestsSent = new AtomicLong();

    /** Sends one request; the seam tests replace to script answers. */
    interface Transport {
        Response send(HttpRequest request) throws IOException, InterruptedException;
    }

    /** An HTTP answer: status and body text. */
    record Response(int status, String body) {}

    /** Waits between attempts; the seam tests replace to record waits instead of sleeping. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private HttpSchemaRegistryClient(Builder builder, URI url, String authorization, Transport transport) {
        this.url = url;
        this.authorization = authorization;
        this.requestTimeout = builder.requestTimeout;
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.transport = transport;
        this.sleeper = builder.sleeper;
    }

    /**
     * Starts the configuration of a client for the registry at {@code url}: its base URL such as {@code
     * http://127.0.0.1:8081} (Confluent, Karapace, Redpanda) or {@code http://127.0.0.1:8080/apis/ccompat/v7}
     * (Apicurio). A user-info part ({@code https://user:password@host}) becomes basic auth and is removed from the URL.
     */
    public static Builder builder(URI url) {
        return new Builder(url);
    }

    @Override
    public URI url() {
        return url;
    }

    /** HTTP requests sent so far (every attempt counts); a steady-state publisher or consumer sends none. */
    public long requestsSent() {
        return requestsSent.get();
    }

    @Override
    public int register(String subject, Schema schema) {
        String what = schema.getName() + " under subject " + subject;
        Response response = call("POST", "/subjects/" + segment(subject) + "/versions", schemaBody(schema), what);
        if (!ok(response)) {
            throw refused(what, response);
        }
        return field(response, "id", what).asInt();
    }

    /** The registry's answer, or empty when it answered that the thing is absent; throws when it refused otherwise. */
    private Optional<Response> found(String method, String path, String body, String what) {
        Response response = call(method, path, body, what);
        if (response.status() == 404) {
            if (!isRegistryNotFound(response)) {
                throw noRegistryApi(what, response);
            }
            return Optional.empty();
        }
        if (!ok(response)) {
            throw refused(what, response);
        }
        return Optional.of(response);
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        String what = "the lookup of " + schema.getName() + " under subject " + subject;
        Optional<Response> found = found("POST", "/subjects/" + segment(subject), schemaBody(schema), what);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Response response = found.get();
        return Optional.of(registered(subject, response, what));
    }

    @Override
    public Optional<String> schemaById(int id) {
        String what = "the schema with id " + id;
        Optional<Response> found = found("GET", "/schemas/ids/" + id, null, what);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Response response = found.get();
        return Optional.of(field(response, "schema", what).asText());
    }

    @Override
    public List<Integer> versions(String subject) {
        String what = "the versions of subject " + subject;
        Optional<Response> found = found("GET", "/subjects/" + segment(subject) + "/versions", null, what);
        if (found.isEmpty()) {
            return List.of();
        }
        Response response = found.get();
        List<Integer> versions = new ArrayList<>();
        for (JsonNode version : json(response, what)) {
            versions.add(version.asInt());
        }
        versions.sort(null);
        return versions;
    }

    @Override
    public Optional<RegisteredSchema> version(String subject, int version) {
        String what = "version " + version + " of subject " + subject;
        Optional<Response> found = found("GET", "/subjects/" + segment(subject) + "/versions/" + version, null, what);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Response response = found.get();
        return Optional.of(registered(subject, response, what));
    }

    @Override
    public CompatibilityCheck testCompatibility(String subject, Schema schema) {
        String what = "the compatibility check of " + schema.getName() + " under subject " + subject;
        Response response = call(
                "POST",
                "/compatibility/subjects/" + segment(subject) + "/versions/latest?verbose=true",
                schemaBody(schema),
                what);
        if (response.status() == 404) {
            if (!isRegistryNotFound(response)) {
                throw noRegistryApi(what, response);
            }
            return new CompatibilityCheck(true, List.of()); // no subject or version yet: anything goes
        }
        if (!ok(response)) {
            throw refused(what, response);
        }
        JsonNode body = json(response, what);
        List<String> messages = new ArrayList<>();
        body.path("messages").forEach(message -> messages.add(message.asText()));
        return new CompatibilityCheck(body.path("is_compatible").asBoolean(false), messages);
    }

    @Override
    public Optional<CompatibilityLevel> compatibilityLevel(String subject) {
        String what = "the compatibility level of subject " + subject;
        Optional<Response> found = found("GET", "/config/" + segment(subject), null, what);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Response response = found.get();
        return Optional.of(level(response, what));
    }

    @Override
    public void probe() {
        String what = "the list of subjects";
        Response response = call("GET", "/subjects", null, what);
        if (response.status() == 404) {
            throw noRegistryApi(what, response);
        }
        if (!ok(response)) {
            throw refused(what, response);
        }
        JsonNode subjects;
        try {
            subjects = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            subjects = null;
        }
        if (subjects == null || !subjects.isArray()) {
            throw new SchemaRegistryException(
                    "schema registry " + url + " answered " + what + " with " + response.status()
                            + " but not with a list of subjects (" + shown(response) + ")" + CHECK_BASE_PATH,
                    response.status(),
                    -1);
        }
    }

    @Override
    public CompatibilityLevel globalCompatibilityLevel() {
        String what = "the global compatibility level";
        Response response = call("GET", "/config", null, what);
        if (!ok(response)) {
            throw refused(what, response);
        }
        return level(response, what);
    }

    @Override
    public void setCompatibilityLevel(String subject, CompatibilityLevel level) {
        String what = "compatibility level " + level + " for subject " + subject;
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        Response response = call("PUT", "/config/" + segment(subject), body.toString(), what);
        if (!ok(response)) {
            throw refused(what, response);
        }
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistryClient[" + url + (authorization != null ? ", basic auth" : "") + "]";
    }

    /** The request with retries; returns the first answer that is not worth retrying. */
    private Response call(String method, String path, String body, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpRequest built = request.build();
        String lastProblem = null;
        Throwable lastError = null;
        for (int attempt = 1; ; attempt++) {
            try {
                requestsSent.incrementAndGet();
                Response response = transport.send(built);
                if (!retryable(response.status())) {
                    return response;
                }
                lastProblem = "HTTP " + response.status() + " " + reason(response);
                lastError = null;
            } catch (HttpTimeoutException e) {
                lastProblem = "no answer within " + requestTimeout.toMillis() + " ms";
                lastError = e;
            } catch (ConnectException e) {
                lastProblem = "connection refused or unreachable";
                lastError = e;
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
                lastError = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryUnavailableException(
                        "interrupted while asking schema registry " + url + " for " + what, e);
            }
            if (attempt >= maxAttempts) {
                throw new SchemaRegistryUnavailableException(
                        "schema registry " + url + " unavailable for " + what + " after " + attempt + " attempt"
                                + (attempt == 1 ? "" : "s") + ": " + lastProblem,
                        lastError);
            }
            Duration wait = backoff(attempt);
            log.warn(
                    "schema registry {} unavailable for {} (attempt {}/{}): {}; retrying in {} ms",
                    url,
                    what,
                    attempt,
                    maxAttempts,
                    lastProblem,
                    wait.toMillis());
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryUnavailableException(
                        "interrupted while waiting to retry schema registry " + url + " for " + what, e);
            }
        }
    }

    /** The wait after the {@code attempt}-th failed attempt: initial, doubling, capped. */
    Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    /** 5xx, 429 (rate limited) and 408 (request timeout) are worth another attempt; nothing else is. */
    static boolean retryable(int status) {
        return status >= 500 || status == 429 || status == 408;
    }

    private static boolean ok(Response response) {
        return response.status() >= 200 && response.status() < 300;
    }

    private SchemaRegistryException refused(String what, Response response) {
        return new SchemaRegistryException(
                "schema registry " + url + " refused " + what + ": " + response.status() + " " + reason(response),
                response.status(),
                errorCode(response));
    }

    /** The registry's {@code error_code}, or -1 when the body is not its JSON error. */
    private static int errorCode(Response response) {
        try {
            JsonNode body = JSON.readTree(response.body() == null ? "" : response.body());
            if (body != null && body.path("error_code").isInt()) {
                return body.get("error_code").asInt();
            }
        } catch (JsonProcessingException e) {
            // not JSON
        }
        return -1;
    }

    /**
     * Whether a 404 is the registry's API saying "not found": Confluent's error codes 40401 to 40499 (Apicurio's
     * {@code ccompat} API answers the same). Confluent's server answers a path it does not serve with {@code
     * error_code} 404, Apicurio with an empty body or a RESTEasy problem, a proxy with a page: none of those.
     */
    static boolean isRegistryNotFound(Response response) {
        int code = errorCode(response);
        return code >= 40401 && code <= 40499;
    }

    private static final String CHECK_BASE_PATH =
            "; there is no schema registry API at this URL: check the base path (Apicurio serves it at"
                    + " /apis/ccompat/v7) and any proxy in between";

    private SchemaRegistryException noRegistryApi(String what, Response response) {
        return new SchemaRegistryException(
                "schema registry " + url + " answered " + what + " with 404 without the registry's 'not found' error ("
                        + shown(response) + ")" + CHECK_BASE_PATH,
                404,
                errorCode(response));
    }

    /** The reason, or "empty body". */
    private static String shown(Response response) {
        String reason = reason(response);
        return reason.isEmpty() ? "empty body" : reason;
    }

    /** The registry's {@code message}, or the start of the body when it is not the usual JSON error. */
    private static String reason(Response response) {
        String body = response.body() == null ? "" : response.body();
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.hasNonNull("message")) {
                return json.get("message").asText();
            }
        } catch (JsonProcessingException e) {
            // fall through to the raw body
        }
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    private JsonNode json(Response response, String what) {
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(
                    "schema registry " + url + " answered " + what + " with something that is not JSON: "
                            + reason(response),
                    response.status(),
                    -1);
        }
    }

    private JsonNode field(Response response, String name, String what) {
        JsonNode value = json(response, what).get(name);
        if (value == null || value.isNull()) {
            throw new SchemaRegistryException(
                    "schema registry " + url + " answered " + what + " without '" + name + "': " + reason(response),
                    response.status(),
                    -1);
        }
        return value;
    }

    private RegisteredSchema registered(String subject, Response response, String what) {
        JsonNode body = json(response, what);
        return new RegisteredSchema(
                body.path("subject").asText(subject),
                body.path("version").asInt(),
                field(response, "id", what).asInt(),
                body.path("schema").asText(null));
    }

    private CompatibilityLevel level(Response response, String what) {
        JsonNode body = json(response, what);
        JsonNode level =
                body.hasNonNull("compatibilityLevel") ? body.get("compatibilityLevel") : body.get("compatibility");
        if (level == null) {
            throw new SchemaRegistryException(
                    "schema registry " + url + " answered " + what + " without a level: " + reason(response),
                    response.status(),
                    -1);
        }
        return CompatibilityLevel.parse(level.asText());
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Configuration of an {@link HttpSchemaRegistryClient}; only the URL is required. */
    public static final class Builder {
        private final URI url;
        private String username;
        private String password;
        private SSLContext sslContext;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(2);
        private Transport transport;
        private Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());

        private Builder(URI url) {
            Objects.requireNonNull(url, "url");
            if (!url.isAbsolute()
                    || !("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
                    || url.getHost() == null) {
                throw new IllegalArgumentException(
                        "schema registry URL must be an http or https URL with a host, such as http://127.0.0.1:8081;"
                                + " got " + redacted(url));
            }
            if (url.getRawUserInfo() != null) {
                String[] parts = url.getRawUserInfo().split(":", 2);
                username = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
            }
            this.url = withoutUserInfo(url);
        }

        /** Sends {@code Authorization: Basic ...} with every request (cloud registries: API key and secret). */
        public Builder basicAuth(String username, String password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Trusts the certificates of this trust store instead of the JDK's default ones.
         *
         * @param type {@code PKCS12} or {@code JKS}
         * @throws UncheckedIOException when the file cannot be read
         * @throws IllegalArgumentException when it is not a trust store of that type or the password is wrong
         */
        public Builder trustStore(Path path, char[] password, String type) {
            try (InputStream in = Files.newInputStream(path)) {
                KeyStore store = KeyStore.getInstance(type);
                store.load(in, password);
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                this.sslContext = context;
                return this;
            } catch (IOException e) {
                if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                    throw new IllegalArgumentException("wrong password for trust store " + path, e);
                }
                throw new UncheckedIOException("cannot read trust store " + path + ": " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot use " + path + " as a " + type + " trust store: " + e, e);
            }
        }

        /** The TLS context to use (client certificates, custom trust); replaces {@link #trustStore}. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext);
            return this;
        }

        /** Time allowed to open a connection; default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Time allowed for one request, from sending to the answer; default 10 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** Attempts in all for one operation (1 = no retry); default 3. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("maxAttempts must be 1 to 10, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Wait before the second attempt, doubling for each further one, capped at {@code max}; default 200 ms, 2 s. */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial, "initial backoff");
            this.maxBackoff = positive(max, "max backoff");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException(
                        "max backoff " + max + " is shorter than initial backoff " + initial);
            }
            return this;
        }

        Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        public HttpSchemaRegistryClient build() {
            String authorization = username == null
                    ? null
                    : "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
            Transport chosen = transport;
            if (chosen == null) {
                HttpClient.Builder http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(connectTimeout);
                if (sslContext != null) {
                    http.sslContext(sslContext);
                }
                HttpClient client = http.build();
                chosen = request -> {
                    HttpResponse<String> response =
                            client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                    return new Response(response.statusCode(), response.body());
                };
            }
            return new HttpSchemaRegistryClient(this, url, authorization, chosen);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }

    /** The URL without user-info and trailing slashes. */
    private static URI withoutUserInfo(URI url) {
        try {
            String path = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
            return new URI(
                    url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "") + path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid schema registry URL: " + redacted(url), e);
        }
    }

    /** For messages about a bad URL: never show a password. */
    private static String redacted(URI url) {
        return url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo(), "***");
    }
}
