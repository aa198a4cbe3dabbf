package dev.tracking.consumer.consume;

import dev.tracking.consumer.deadletter.FailureCategory;
import dev.tracking.consumer.mapping.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The pipeline's meters, all prefixed {@code tracking.}; see the README's operations section. */
public final class PipelineMetrics {
    final Counter received;
    final Counter delivered;
    final Counter duplicates;
    final Counter eventsSent;
    final Counter eventsHistorical;
    final Counter milestonesDropped;
    final Counter staleGroupProperties;
    final Map<FailureCategory, Counter> deadLettered = new EnumMap<>(FailureCategory.class);
    final Timer batchDuration;
    final Timer endToEnd;
    final DistributionSummary batchSize;
    private final Map<EventType, Counter> suppressed = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        received = Counter.builder("tracking.facts.received")
                .description("records read from the fact topics")
                .register(registry);
        delivered = Counter.builder("tracking.facts.delivered")
                .description("facts whose events PostHog accepted")
                .register(registry);
        duplicates = Counter.builder("tracking.facts.duplicates")
                .description("facts skipped because they were delivered before")
                .register(registry);
        eventsSent = Counter.builder("tracking.events.sent")
                .description("PostHog events accepted by PostHog")
                .register(registry);
        eventsHistorical = Counter.builder("tracking.events.historical")
                .description(
                        "PostHog events accepted in requests flagged historical_migration (older than"
                                + " tracking.posthog.historical-after, or every event with tracking.posthog.historical-migration)")
                .register(registry);
        milestonesDropped = Counter.builder("tracking.events.dropped")
                .tag("reason", "milestone-repeat")
                .description("milestone events not sent because an earlier fact holds the milestone")
                .register(registry);
        staleGroupProperties = Counter.builder("tracking.events.dropped")
                .tag("reason", "stale-group-property")
                .description("group properties not sent because a newer value was already applied")
                .register(registry);
        for (FailureCategory category : FailureCategory.values()) {
            deadLettered.put(
                    category,
                    Counter.builder("tracking.facts.dead-lettered")
                            .tag("category", category.header())
                            .description("records written to a dead-letter topic")
                            .register(registry));
        }
        batchDuration = Timer.builder("tracking.batch.duration")
                .description("time to process one poll batch, from decode to the last acknowledgement")
                .register(registry);
        endToEnd = Timer.builder("tracking.delivery.latency")
                .description("from a fact's occurred_at to PostHog's acknowledgement of its events")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        batchSize = DistributionSummary.builder("tracking.batch.size")
                .description("records per poll batch")
                .register(registry);
    }

    /** Registers the suppression counters of these events up front, so that they show as 0 until one is counted. */
    void registerSuppressed(Collection<EventType> types) {
        types.forEach(this::suppressedCounter);
    }

    void suppressed(EventType type) {
        suppressedCounter(type).increment();
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

    void deadLettered(FailureCategory category) {
        deadLettered.get(category).increment();
    }

    void latency(Duration sinceOccurred) {
        endToEnd.record(sinceOccurred.isNegative() ? Duration.ZERO : sinceOccurred);
    }
}
