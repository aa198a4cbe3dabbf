package dev.tracking.testkit.posthog;

/**
 * One HTTP request a {@link FakePostHog} received, whatever its outcome.
 *
 * @param number arrival number, from 1, per server (not reset by {@link FakePostHog#reset()})
 * @param method the HTTP method
 * @param path the request path, e.g. {@code /batch/}
 * @param gzip whether the body was gzip ({@code Content-Encoding: gzip} or gzip magic bytes, as capture detects it)
 * @param compressedBytes body size as received; -1 when the body was not read
 * @param uncompressedBytes body size after gunzip (equal to {@code compressedBytes} without gzip); -1 when unknown
 * @param eventCount events in {@code batch}; 0 when the body could not be parsed
 * @param historicalMigration {@code historical_migration} when present, else {@code null}
 * @param sentAt {@code sent_at} as sent, else {@code null}
 * @param status the status answered, or {@link #NO_RESPONSE} when the connection was dropped
 * @param eventsRecorded whether its events were recorded as accepted (true also for a batch processed before a
 *     {@link Fault.ResetAfterProcessing}; false for a {@link Fault.QuotaLimited} 200)
 * @param errorCode capture's error {@code code} for a rejected request (e.g. {@code missing_distinct_id}), else
 *     {@code null}
 * @param fault the scripted fault applied, or {@code null}
 * @param receivedAt when the server started handling the request
 */
public record CapturedRequest(
        long number,
        String method,
        String path,
        boolean gzip,
        long compressedBytes,
        long uncompressedBytes,
        int eventCount,
        Boolean historicalMigration,
        String sentAt,
        int status,
        boolean eventsRecorded,
        String errorCode,
        Fault fault,
        java.time.Instant receivedAt) {

    /** {@link #status()} of a request whose connection was closed without a response. */
    public static final int NO_RESPONSE = 0;
}
