package dev.tracking.spring.observe;

import dev.tracking.client.FactPublisher;
import dev.tracking.client.PublishListener;
import dev.tracking.spring.outbox.OutboxMonitor;
import dev.tracking.spring.outbox.OutboxRow;
import dev.tracking.spring.outbox.OutboxStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the publisher and the outbox relay did lately, for the {@code tracking} health component, and as Micrometer
 * meters when the service has a {@link MeterRegistry}:
 *
 * <ul>
 *   <li>{@code tracking.facts.published{type}}, {@code tracking.facts.failed{type,exception}}: facts Kafka
 *       acknowledged, and publishes that failed (each attempt of the relay counts);
 *   <li>{@code tracking.publish.latency{type}}: from {@code publish} to Kafka's acknowledgement (p50, p99);
 *   <li>{@code tracking.outbox.pending}, {@code tracking.outbox.parked}: rows waiting, rows parked;
 *       {@code tracking.outbox.oldest.age}: seconds the oldest waiting row has waited;
 *       {@code tracking.outbox.parked.facts{type}}: facts parked by this instance.
 * </ul>
 */
public final class PublishActivity implements PublishListener, OutboxMonitor {
    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicReference<Instant> lastSent = new AtomicReference<>();
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();
    private final AtomicReference<OutboxStore.Stats> outbox = new AtomicReference<>();
    private final AtomicReference<Failure> lastParked = new AtomicReference<>();

    /** A failure and when it happened. */
    public record Failure(Instant at, String what) {}

    /**
     * @param registry null: no meters, health only
     */
    public PublishActivity(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        if (registry != null) {
            Gauge.builder("tracking.outbox.pending", this, a -> a.outboxStat(OutboxStore.Stats::pending))
                    .description("facts waiting in the outbox table")
                    .register(registry);
            Gauge.builder("tracking.outbox.parked", this, a -> a.outboxStat(OutboxStore.Stats::parked))
                    .description("facts parked in the outbox table (never retried; kept for inspection)")
                    .register(registry);
            Gauge.builder("tracking.outbox.oldest.age", this, PublishActivity::oldestPendingSeconds)
                    .description("seconds the oldest waiting fact has waited")
                    .baseUnit("seconds")
                    .register(registry);
        }
    }

    @Override
    public void published(String factType, FactPublisher.Published published, Duration latency) {
        lastSent.set(clock.instant());
        if (registry != null) {
            Counter.builder("tracking.facts.published")
                    .description("facts Kafka acknowledged")
                    .tag("type", factType)
                    .register(registry)
                    .increment();
            Timer.builder("tracking.publish.latency")
                    .description("from publish to Kafka's acknowledgement")
                    .tag("type", factType)
                    .publishPercentiles(0.5, 0.99)
                    .register(registry)
                    .record(latency);
        }
    }

    @Override
    public void failed(String factType, Throwable error, Duration latency) {
        lastFailure.set(new Failure(clock.instant(), factType + ": " + error));
        if (registry != null) {
            Counter.builder("tracking.facts.failed")
                    .description("publishes that failed (each attempt counts)")
                    .tag("type", factType)
                    .tag("exception", error.getClass().getSimpleName())
                    .register(registry)
                    .increment();
        }
    }

    @Override
    public void parked(OutboxRow row, String reason) {
        lastParked.set(new Failure(clock.instant(), row.factType() + " " + row.eventId() + ": " + reason));
        if (registry != null) {
            Counter.builder("tracking.outbox.parked.facts")
                    .description("facts parked by this instance: they can never be published as they are")
                    .tag("type", row.factType())
                    .register(registry)
                    .increment();
        }
    }

    @Override
    public void stats(OutboxStore.Stats stats) {
        outbox.set(stats);
    }

    /** When Kafka last acknowledged a fact; null before the first. */
    public Instant lastSent() {
        return lastSent.get();
    }

    /** The last failed publish; null when none. */
    public Failure lastFailure() {
        return lastFailure.get();
    }

    /** The last fact this instance parked; null when none. */
    public Failure lastParked() {
        return lastParked.get();
    }

    /** The outbox counts after the relay's last round; null without an outbox or before its first round. */
    public OutboxStore.Stats outbox() {
        return outbox.get();
    }

    private double outboxStat(java.util.function.ToLongFunction<OutboxStore.Stats> stat) {
        OutboxStore.Stats stats = outbox.get();
        return stats == null ? 0 : stat.applyAsLong(stats);
    }

    private double oldestPendingSeconds() {
        OutboxStore.Stats stats = outbox.get();
        if (stats == null || stats.oldestPending() == null) {
            return 0;
        }
        return Math.max(
                0, Duration.between(stats.oldestPending(), clock.instant()).toMillis() / 1000.0);
    }
}
