package dev.tracking.consumer.consume;

import dev.tracking.consumer.mapping.EventType;
import dev.tracking.consumer.observe.EventVolume;
import dev.tracking.consumer.observe.FactLedger;
import dev.tracking.schemas.FactFamily;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's meters, all prefixed {@code tracking.}; see the README's operations section. Facts are counted by the
 * {@link FactLedger} (each polled record once, by fact type and outcome); events here, each once, when their fact is
 * settled.
 */
public final class PipelineMetrics {
    final FactLedger ledger;
    final EventVolume volume;
    final Counter eventsHistorical;
    final Timer batchDuration;
    final Timer endToEnd;
    final DistributionSummary batchSize;
    private final MeterRegistry registry;
    private final Map<EventType, Counter> suppressed = new ConcurrentHashMap<>();
    private final Map<String, Counter> delivered = new ConcurrentHashMap<>();
    private final Map<String, Counter> droppedMilestones = new ConcurrentHashMap<>();
    private final Map<String, Counter> droppedStale = new ConcurrentHashMap<>();

    public PipelineMetrics(MeterRegistry registry, FactLedger ledger, EventVolume volume) {
        this.registry = registry;
        this.ledger = ledger;
        this.volume = volume;
        eventsHistorical = Counter.builder("tracking.events.historical")
                .description(
                        "PostHog events accepted in requests flagged historical_migration (older than"
                                + " tracking.posthog.historical-after, or every event with tracking.posthog.historical-migration)")
                .register(registry);
        batchDuration = Timer.builder("tracking.batch.duration")
                .description("time to process one poll batch, from decode to the last acknowledgement")
                .publishPercentileHistogram()
                .register(registry);
        endToEnd = Timer.builder("tracking.delivery.latency")
                .description("from the oldest occurred_at of a partition's delivered facts in a poll to PostHog's"
                        + " acknowledgement; one sample per partition and poll")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
        Gauge.builder("tracking.events.monthly-allowance", volume, EventVolume::monthlyAllowance)
                .description("tracking.events.monthly-allowance: PostHog events a month the project may send")
                .register(registry);
        for (String factType : FactFamily.typeNames()) {
            droppedMilestones.computeIfAbsent(factType, t -> dropped("milestone-repeat", t));
            droppedStale.computeIfAbsent(factType, t -> dropped("stale-group-property", t));
        }
        batchSize = DistributionSummary.builder("tracking.batch.size")
                .description("records per poll batch, counting records read again")
                .publishPercentileHistogram()
                .register(registry);
    }

    /** A meter registry's worth of metrics, with a ledger and volume of their own (tests). */
    public static PipelineMetrics of(MeterRegistry registry, Clock clock) {
        return new PipelineMetrics(registry, FactLedger.of(registry), new EventVolume(clock, 1_000_000));
    }

    /** Registers the suppression counters of these events up front, so that they show as 0 until one is counted. */
    public void registerSuppressed(Collection<EventType> types) {
        types.forEach(this::suppressedCounter);
    }

    /** Registers the delivered counter of every event up front. */
    public void registerEvents(Collection<EventType> types) {
        types.forEach(type -> deliveredCounter(type.name()));
    }

    void suppressed(EventType type) {
        suppressedCounter(type).increment();
    }

    /** An event of a settled fact that PostHog accepted: the volume PostHog bills. */
    void delivered(String event) {
        deliveredCounter(event).increment();
        volume.accepted(event, 1);
    }

    void dropped(String factType, int milestones, int staleGroupProperties) {
        if (milestones > 0) {
            droppedMilestones
                    .computeIfAbsent(factType, t -> dropped("milestone-repeat", t))
                    .increment(milestones);
        }
        if (staleGroupProperties > 0) {
            droppedStale
                    .computeIfAbsent(factType, t -> dropped("stale-group-property", t))
                    .increment(staleGroupProperties);
        }
    }

    void latency(Duration sinceOccurred) {
        endToEnd.record(sinceOccurred.isNegative() ? Duration.ZERO : sinceOccurred);
    }

    private Counter dropped(String reason, String factType) {
        return Counter.builder("tracking.events.dropped")
                .tag("reason", reason)
                .tag("fact_type", factType)
                .description("milestone events not sent because an earlier fact holds the milestone, and group"
                        + " properties not sent because a newer value was already applied")
                .register(registry);
    }

    private Counter deliveredCounter(String event) {
        return delivered.computeIfAbsent(
                event,
                name -> Counter.builder("tracking.events.delivered")
                        .tag("event", name)
                        .description("PostHog events accepted by PostHog, each once: the volume PostHog bills")
                        .register(registry));
    }

    private Counter suppressedCounter(EventType type) {
        return suppressed.computeIfAbsent(
                type,
                t -> Counter.builder("tracking.events.suppressed")
                        .tag("event", t.name())
                        .tag("tier", t.tierTag())
                        .description("events not sent because their tier is switched off or they are disabled by name")
                        .register(registry));
    }
}
