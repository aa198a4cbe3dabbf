package dev.tracking.consumer.consume;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions paused right now because what they hold could not be settled (PostHog, the dedup store, the registry
 * or the dead-letter topic unavailable), each until when and why. Written by {@link PartitionControl} on the consumer
 * threads, read by {@link ConsumptionHealth}. A pause whose end has passed no longer counts, even before the partition
 * is read again.
 */
public final class Backpressure {
    private final Clock clock;
    private final Map<TopicPartition, Pause> pauses = new ConcurrentHashMap<>();

    /** A partition held back: rewound to {@code offset}, paused until {@code until}, after {@code attempt} failures. */
    public record Pause(TopicPartition partition, long offset, Instant until, int attempt, String reason) {}

    public Backpressure(Clock clock) {
        this.clock = clock;
    }

    void paused(TopicPartition partition, long offset, Duration pause, int attempt, String reason) {
        pauses.put(partition, new Pause(partition, offset, clock.instant().plus(pause), attempt, reason));
    }

    /** The partition's records were settled: it is no longer held back. */
    void settled(TopicPartition partition) {
        pauses.remove(partition);
    }

    /** Pauses not over yet, the one ending last first. */
    public List<Pause> current() {
        Instant now = clock.instant();
        pauses.values().removeIf(pause -> !pause.until().isAfter(now));
        return pauses.values().stream()
                .sorted(Comparator.comparing(Pause::until).reversed())
                .toList();
    }
}
