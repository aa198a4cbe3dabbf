package dev.tracking.consumer.observe;

import dev.tracking.consumer.deadletter.FailureCategory;
import dev.tracking.schemas.FactFamily;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;

/**
 * Counts every polled record once, by fact type: consumed when first read, and once settled, by its {@link
 * FactOutcome}. A partition rewound and read again (PostHog unavailable, a rebalance) does not count its records twice:
 * per partition the ledger remembers the highest offset counted, and which counted records are not settled yet (in
 * flight). So that, per fact type since start, consumed = delivered + duplicates + suppressed + dropped + dead-lettered
 * + in flight; a difference means a record was lost from view (a bug, or a partition that moved away while its records
 * were in flight).
 *
 * <p>The counts are the Micrometer counters themselves ({@code tracking.facts.consumed{fact_type}}, {@code
 * tracking.facts.delivered{fact_type}}, ..., {@code tracking.facts.dead-lettered{fact_type,category}}, gauge {@code
 * tracking.facts.in-flight{fact_type}}), so Prometheus and {@code /actuator/tracking} always agree. Thread-safe: one
 * partition is processed by one thread at a time, several partitions concurrently.
 */
public final class FactLedger {
    /** The fact type of a record that could not be decoded. */
    public static final String UNKNOWN_TYPE = "unknown";

    private final MeterRegistry registry;
    private final Map<TopicPartition, PartitionMarks> partitions = new ConcurrentHashMap<>();
    private final Map<String, Counter> consumed = new ConcurrentHashMap<>();
    private final Map<FactOutcome, Map<String, Counter>> outcomes = new EnumMap<>(FactOutcome.class);
    private final Map<String, Map<String, Counter>> deadLetteredByCategory = new ConcurrentHashMap<>();

    private static final class PartitionMarks {
        final AtomicLong counted = new AtomicLong(-1);
        final ConcurrentSkipListMap<Long, String> pending = new ConcurrentSkipListMap<>();
    }

    /**
     * @param categories the dead-letter categories, registered up front with every fact type (so they show as 0)
     */
    public FactLedger(MeterRegistry registry, List<String> categories) {
        this.registry = registry;
        for (FactOutcome outcome : FactOutcome.values()) {
            outcomes.put(outcome, new ConcurrentHashMap<>());
        }
        List<String> types = new ArrayList<>(FactFamily.typeNames());
        types.add(UNKNOWN_TYPE);
        for (String type : types) {
            consumedCounter(type);
            for (FactOutcome outcome : FactOutcome.values()) {
                if (outcome != FactOutcome.DEAD_LETTERED) {
                    outcomeCounter(outcome, type);
                }
            }
            categories.forEach(category -> deadLetteredCounter(type, category));
            Gauge.builder("tracking.facts.in-flight", this, ledger -> ledger.inFlight(type))
                    .tag("fact_type", type)
                    .description("records read and not settled yet (waiting for PostHog, the registry or a retry)")
                    .register(registry);
        }
    }

    /** A ledger with every dead-letter category registered. */
    public static FactLedger of(MeterRegistry registry) {
        return new FactLedger(
                registry,
                Arrays.stream(FailureCategory.values())
                        .map(FailureCategory::header)
                        .toList());
    }

    /**
     * A record read from {@code partition}: counted as consumed unless its offset was counted before.
     *
     * @return true when it was counted now (it is in flight until {@link #settled})
     */
    public boolean consumed(TopicPartition partition, long offset, String factType) {
        PartitionMarks marks = partitions.computeIfAbsent(partition, p -> new PartitionMarks());
        long before = marks.counted.getAndAccumulate(offset, Math::max);
        if (offset <= before) {
            return false;
        }
        marks.pending.put(offset, factType);
        consumedCounter(factType).increment();
        return true;
    }

    /**
     * The record at {@code offset} is settled: counted under {@code outcome} if it is in flight, otherwise ignored (it
     * was settled before, and read again).
     *
     * @param category the dead-letter category when {@code outcome} is {@link FactOutcome#DEAD_LETTERED}
     * @return the record's fact type when it was counted now, or null
     */
    public String settled(TopicPartition partition, long offset, FactOutcome outcome, String category) {
        PartitionMarks marks = partitions.get(partition);
        String type = marks == null ? null : marks.pending.remove(offset);
        if (type == null) {
            return null;
        }
        if (outcome == FactOutcome.DEAD_LETTERED) {
            deadLetteredCounter(type, category).increment();
        } else {
            outcomeCounter(outcome, type).increment();
        }
        return type;
    }

    /** Records of {@code factType} read and not settled yet. */
    public long inFlight(String factType) {
        long count = 0;
        for (PartitionMarks marks : partitions.values()) {
            for (String type : marks.pending.values()) {
                if (type.equals(factType)) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Per fact type since start, the reconciliation: consumed against the sum of outcomes and records in flight. */
    public Map<String, Reconciliation> reconciliation() {
        Map<String, Reconciliation> byType = new LinkedHashMap<>();
        consumed.keySet().stream().sorted().forEach(type -> {
            long deadLettered = deadLetteredByCategory.getOrDefault(type, Map.of()).values().stream()
                    .mapToLong(counter -> (long) counter.count())
                    .sum();
            byType.put(
                    type,
                    Reconciliation.of(
                            count(consumed.get(type)),
                            count(outcomes.get(FactOutcome.DELIVERED).get(type)),
                            count(outcomes.get(FactOutcome.DUPLICATE).get(type)),
                            count(outcomes.get(FactOutcome.SUPPRESSED).get(type)),
                            count(outcomes.get(FactOutcome.DROPPED).get(type)),
                            deadLettered,
                            inFlight(type)));
        });
        return byType;
    }

    /**
     * One fact type's accounting.
     *
     * @param difference consumed minus every other column: 0 when every record read is accounted for
     */
    public record Reconciliation(
            long consumed,
            long delivered,
            long duplicates,
            long suppressed,
            long dropped,
            long deadLettered,
            long inFlight,
            long difference) {
        static Reconciliation of(
                long consumed,
                long delivered,
                long duplicates,
                long suppressed,
                long dropped,
                long deadLettered,
                long inFlight) {
            long difference = consumed - delivered - duplicates - suppressed - dropped - deadLettered - inFlight;
            return new Reconciliation(
                    consumed, delivered, duplicates, suppressed, dropped, deadLettered, inFlight, difference);
        }
    }

    private static long count(Counter counter) {
        return counter == null ? 0 : (long) counter.count();
    }

    private Counter consumedCounter(String type) {
        return consumed.computeIfAbsent(
                type,
                t -> Counter.builder("tracking.facts.consumed")
                        .tag("fact_type", t)
                        .description("records read from the fact topics, each once however often it is read again")
                        .register(registry));
    }

    private Counter outcomeCounter(FactOutcome outcome, String type) {
        return outcomes.get(outcome)
                .computeIfAbsent(
                        type,
                        t -> Counter.builder(outcome.meterName())
                                .tag("fact_type", t)
                                .description(description(outcome))
                                .register(registry));
    }

    private Counter deadLetteredCounter(String type, String category) {
        return deadLetteredByCategory
                .computeIfAbsent(type, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(
                        category,
                        c -> Counter.builder(FactOutcome.DEAD_LETTERED.meterName())
                                .tag("fact_type", type)
                                .tag("category", c)
                                .description(description(FactOutcome.DEAD_LETTERED))
                                .register(registry));
    }

    private static String description(FactOutcome outcome) {
        return switch (outcome) {
            case DELIVERED -> "facts whose events PostHog accepted";
            case DUPLICATE -> "facts skipped because they were delivered before";
            case SUPPRESSED -> "facts of which nothing was sent because their events are switched off";
            case DROPPED -> "facts of which nothing was sent: a repeated milestone or group properties already newer";
            case DEAD_LETTERED -> "records written to a dead-letter topic";
        };
    }
}
