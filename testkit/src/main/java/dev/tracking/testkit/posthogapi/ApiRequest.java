package dev.tracking.testkit.posthogapi;

import java.time.Instant;

/**
 * One request a {@link FakePostHogApi} received and how it answered.
 *
 * @param number arrival number, from 1
 * @param method HTTP method
 * @param path path without the query
 * @param query raw query string, or {@code null}
 * @param body request body as text (empty for none)
 * @param status status answered, or {@link #NO_RESPONSE} when the connection was closed instead
 * @param fault the scripted fault applied, or {@code null}
 * @param receivedAt arrival time
 */
public record ApiRequest(
        long number,
        String method,
        String path,
        String query,
        String body,
        int status,
        ApiFault fault,
        Instant receivedAt) {
    /** {@link #status()} of a request whose connection was closed without an answer. */
    public static final int NO_RESPONSE = -1;

    /** Whether it asked to change something (POST, PATCH, PUT, DELETE), whatever the answer. */
    public boolean isWrite() {
        return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
    }
}
