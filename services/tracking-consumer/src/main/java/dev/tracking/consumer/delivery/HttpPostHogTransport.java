package dev.tracking.consumer.delivery;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;

/**
 * {@link PostHogTransport} over the JDK HTTP client (HTTP/1.1 keep-alive; the JDK sets {@code TCP_NODELAY} on its
 * sockets). Requests carry {@code Content-Type: application/json} and, when compressed, {@code Content-Encoding: gzip}.
 */
public final class HttpPostHogTransport implements PostHogTransport {
    private final HttpClient client;
    private final URI endpoint;
    private final Duration requestTimeout;
    private final Clock clock;

    public HttpPostHogTransport(HttpClient client, URI endpoint, Duration requestTimeout, Clock clock) {
        this.client = client;
        this.endpoint = endpoint;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    /** An HTTP/1.1 client with the given connect timeout that never follows redirects. */
    public static HttpClient defaultClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public CompletableFuture<Response> send(BatchBody body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "tracking-consumer")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (body.gzip()) {
            request.header("Content-Encoding", "gzip");
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> new Response(
                        response.statusCode(),
                        response.headers()
                                .firstValue("Retry-After")
                                .map(value -> retryAfter(value, clock))
                                .orElse(null),
                        snippet(response.body())));
    }

    @Override
    public String destination() {
        return endpoint.toString();
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when unreadable or in the past. */
    static Duration retryAfter(String value, Clock clock) {
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String snippet(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, 2048), StandardCharsets.UTF_8);
        return text.length() > 512 ? text.substring(0, 512) : text;
    }
}
