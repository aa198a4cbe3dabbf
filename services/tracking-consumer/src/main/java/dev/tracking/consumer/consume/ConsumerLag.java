package dev.tracking.consumer.consume;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Gauge {@code tracking.consumer.lag{topic,partition}}: records behind the end of each partition this process
 * consumes, as the consumer knows it after each poll that returned records (no request to the broker). A partition
 * that moved to another consumer loses its gauge. {@link #total()} is the sum, for status lines.
 */
public final class ConsumerLag {
    private final MeterRegistry registry;
    private final Map<TopicPartition, Owned> partitions = new ConcurrentHashMap<>();

    private record Owned(Object consumer, AtomicLong lag, Gauge gauge) {}

    public ConsumerLag(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Reads the lag of every partition assigned to {@code consumer}; must run on the consumer's thread. */
    public void observe(Consumer<?, ?> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        partitions.entrySet().removeIf(entry -> {
            boolean gone = entry.getValue().consumer() == consumer && !assigned.contains(entry.getKey());
            if (gone) {
                registry.remove(entry.getValue().gauge());
            }
            return gone;
        });
        for (TopicPartition partition : assigned) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent()) {
                partitions
                        .computeIfAbsent(partition, p -> owned(p, consumer))
                        .lag()
                        .set(lag.getAsLong());
            }
        }
    }

    /** Records behind the end, every partition this process consumes. */
    public long total() {
        return partitions.values().stream()
                .mapToLong(owned -> owned.lag().get())
                .sum();
    }

    private Owned owned(TopicPartition partition, Object consumer) {
        AtomicLong lag = new AtomicLong();
        Gauge gauge = Gauge.builder("tracking.consumer.lag", lag, AtomicLong::get)
                .tag("topic", partition.topic())
                .tag("partition", Integer.toString(partition.partition()))
                .description("records behind the end of the partition, after the last poll that returned records")
                .register(registry);
        return new Owned(consumer, lag, gauge);
    }
}
