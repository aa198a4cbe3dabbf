package dev.tracking.client.flags;

import dev.tracking.client.FactPublisher;
import dev.tracking.facts.FeatureFlagCalled;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports flag checks as {@code FeatureFlagCalled} facts through the tracking pipeline (Kafka, the consumer), which
 * sends them to PostHog as {@code $feature_flag_called}: de-duplicated, retried and dead-lettered like every other
 * event, which the SDK's own fire-and-forget sending is not.
 *
 * <p>The fact's {@code event_id} is a name-based UUID (version 3) of (distinct id, flag, answer, UTC day), so the same exposure
 * reported again the same day — by another instance, or after a restart — is one event in PostHog (its uuid repeats
 * and PostHog merges it): analysts count at most one exposure per (user or team, flag, answer) a day.
 *
 * <p>Publishing happens on one background thread with a bounded queue ({@code queueSize}): a check never waits for
 * Kafka. When the queue is full (Kafka down for long) further exposures are dropped and counted ({@link #dropped()}),
 * never the answer. {@link #close()} lets queued ones go out (up to 10 s); it does not close the publisher.
 */
public final class FactExposures implements FlagExposures, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FactExposures.class);

    private final FactPublisher publisher;
    private final String source;
    private final ThreadPoolExecutor executor;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /** Publishes with {@code publisher}; {@code source} names the product service in each fact. */
    public FactExposures(FactPublisher publisher, String source) {
        this(publisher, source, 10_000);
    }

    public FactExposures(FactPublisher publisher, String source, int queueSize) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.source = source;
        if (queueSize < 1) {
            throw new IllegalArgumentException("queueSize must be at least 1, got " + queueSize);
        }
        this.executor = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueSize),
                r -> {
                    Thread t = new Thread(r, "flag-exposures");
                    t.setDaemon(true);
                    return t;
                },
                (task, pool) -> dropped.incrementAndGet());
    }

    @Override
    public void flagChecked(FlagCheck check) {
        FeatureFlagCalled fact = toFact(check, source);
        executor.execute(() -> publisher.publish(fact).whenComplete((published, error) -> {
            if (error != null && failed.getAndIncrement() % 1000 == 0) {
                log.warn(
                        "exposure of feature flag {} not published ({} so far): {}",
                        check.flag(),
                        failed.get(),
                        error.toString());
            }
        }));
    }

    /** Exposures dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Exposures Kafka did not take. */
    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The fact of one check; its id repeats for the same (distinct id, flag, answer) on the same UTC day. */
    static FeatureFlagCalled toFact(FlagCheck check, String source) {
        String day = check.checkedAt().atZone(ZoneOffset.UTC).toLocalDate().toString();
        String name = "feature-flag-called\u001f" + check.distinctId() + '\u001f' + check.flag() + '\u001f'
                + check.enabled() + '\u001f' + day;
        return FeatureFlagCalled.newBuilder()
                .setEventId(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8))
                        .toString())
                .setOccurredAt(check.checkedAt())
                .setTeamId(check.teamId())
                .setUserId(check.userId())
                .setSource(source)
                .setFlag(check.flag())
                .setEnabled(check.enabled())
                .setFromDefault(check.source() == FlagCheck.Source.DEFAULT)
                .build();
    }
}
