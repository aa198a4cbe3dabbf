package dev.tracking.consumer.delivery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Sends one request body to PostHog's {@code /batch/} and reports the answer; never retries by itself. */
public interface PostHogTransport extends AutoCloseable {

    /**
     * @return completes with PostHog's response (any status), or exceptionally when no response came (timeout,
     *     connection refused or reset)
     */
    CompletableFuture<Response> send(BatchBody body);

    /** Where requests go, for logs: a URL or a file. */
    String destination();

    @Override
    default void close() throws java.io.IOException {}

    /**
     * An HTTP response.
     *
     * @param status HTTP status
     * @param retryAfter the server's {@code Retry-After}, or null
     * @param body the start of the response body (at most 512 characters), for dead-letter reasons and logs
     */
    record Response(int status, Duration retryAfter, String body) {}
}
