package dev.tracking.consumer.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where and how events are sent to PostHog ({@code tracking.posthog.*}).
 *
 * @param host PostHog ingestion host: {@code https://us.i.posthog.com}, {@code https://eu.i.posthog.com} or a
 *     self-hosted URL; requests go to {@code <host>/batch/}
 * @param apiKey project API key ({@code phc_...}); blank means dry-run: each batch body is appended to
 *     {@link #dryRunFile} instead of being sent
 * @param batchSize most events in one request
 * @param maxRequestSize most uncompressed bytes in one request body (PostHog refuses more than 20 MB)
 * @param maxEventSize largest single event; a bigger one is dead-lettered as oversize (PostHog's limit is about 1 MB)
 * @param requestTimeout time allowed for one request, from sending to the response
 * @param connectTimeout time allowed to open a connection
 * @param gzipLevel compression level of request bodies, 1 (fastest) to 9 (smallest); 0 sends them uncompressed
 * @param maxConcurrentRequests requests in flight at once across all partitions
 * @param historicalMigration mark every request {@code historical_migration: true} (backfills go to PostHog's
 *     historical lane)
 * @param historicalAfter an event whose {@code occurred_at} is older than this when it is sent goes in a request of its
 *     own flagged {@code historical_migration: true} (a replayed or backfilled fact does not delay live events)
 * @param dryRunFile where dry-run mode appends request bodies, one JSON line per request
 */
@ConfigurationProperties("tracking.posthog")
@Validated
public record PostHogProperties(
        @NotNull @HttpUrl @DefaultValue("https://us.i.posthog.com")
        URI host,

        @DefaultValue("") String apiKey,
        @Min(1) @Max(10_000) @DefaultValue("1000") int batchSize,
        @NotNull @DefaultValue("5MB") DataSize maxRequestSize,
        @NotNull @DefaultValue("1000KB") DataSize maxEventSize,
        @NotNull @DefaultValue("10s") Duration requestTimeout,
        @NotNull @DefaultValue("5s") Duration connectTimeout,
        @Min(0) @Max(9) @DefaultValue("1") int gzipLevel,
        @Min(1) @Max(1024) @DefaultValue("16") int maxConcurrentRequests,
        @DefaultValue("false") boolean historicalMigration,
        @NotNull @DefaultValue("24h") Duration historicalAfter,

        @NotNull @DefaultValue("var/dry-run/posthog-batches.jsonl")
        Path dryRunFile) {

    /** PostHog's own limit on a request body, compressed or not. */
    public static final DataSize POSTHOG_BODY_LIMIT = DataSize.ofMegabytes(20);

    public PostHogProperties {
        if (maxRequestSize != null && maxRequestSize.compareTo(POSTHOG_BODY_LIMIT) > 0) {
            throw new IllegalArgumentException("tracking.posthog.max-request-size=" + human(maxRequestSize)
                    + " is above PostHog's body limit of 20MB; use at most 20MB");
        }
        if (maxRequestSize != null && maxEventSize != null && maxEventSize.compareTo(maxRequestSize) > 0) {
            throw new IllegalArgumentException("tracking.posthog.max-event-size=" + human(maxEventSize)
                    + " is larger than tracking.posthog.max-request-size=" + human(maxRequestSize)
                    + "; an event must fit in a request");
        }
        if (requestTimeout != null && (requestTimeout.isNegative() || requestTimeout.isZero())) {
            throw new IllegalArgumentException(
                    "tracking.posthog.request-timeout=" + requestTimeout + " must be positive, such as 10s");
        }
        if (historicalAfter != null && (historicalAfter.isNegative() || historicalAfter.isZero())) {
            throw new IllegalArgumentException(
                    "tracking.posthog.historical-after=" + historicalAfter + " must be positive, such as 24h");
        }
        if (connectTimeout != null && (connectTimeout.isNegative() || connectTimeout.isZero())) {
            throw new IllegalArgumentException(
                    "tracking.posthog.connect-timeout=" + connectTimeout + " must be positive, such as 5s");
        }
    }

    /** A size as a person would write it: 50MB, 1000KB, 512B. */
    static String human(DataSize size) {
        long bytes = size.toBytes();
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + "MB";
        }
        return bytes % 1024 == 0 ? bytes / 1024 + "KB" : bytes + "B";
    }

    /** True when there is no API key: batches are written to {@link #dryRunFile} instead of sent. */
    public boolean dryRun() {
        return apiKey == null || apiKey.isBlank();
    }

    /** The batch endpoint, {@code <host>/batch/}. */
    public URI batchEndpoint() {
        String base = host.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "batch/");
    }
}
