package dev.tracking.consumer.consume;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Health of consumption ({@code /actuator/health}, component {@code consumption}):
 *
 * <ul>
 *   <li>{@code UP} while the fact listener container runs and no partition it owns is held back;
 *   <li>{@link #PAUSED} while some of its partitions are paused because their records could not be settled (PostHog,
 *       the dedup store, the registry or a dead-letter topic unavailable), with each partition, its first unsettled
 *       offset, until when and why. Backpressure, not a fault: the overall health stays {@code UP}, the readiness
 *       group goes {@code DOWN} (see {@code application.yml});
 *   <li>{@code DOWN} once the container stopped, with the reason when the error handler stopped it (PostHog or the
 *       schema registry refused this service). Nothing is consumed until the configuration is fixed and the service
 *       restarted.
 * </ul>
 */
public final class ConsumptionHealth implements HealthIndicator {
    /** Some partitions are held back: backpressure. */
    public static final Status PAUSED = new Status("PAUSED", "partitions paused until their records can be settled");

    private final KafkaListenerEndpointRegistry listeners;
    private final Backpressure backpressure;
    private final AtomicReference<String> stopReason = new AtomicReference<>();

    public ConsumptionHealth(KafkaListenerEndpointRegistry listeners, Backpressure backpressure) {
        this.listeners = listeners;
        this.backpressure = backpressure;
    }

    /** Records why consumption is being stopped; shown as {@code error} from then on. */
    public void stopping(String reason) {
        stopReason.set(reason);
    }

    @Override
    public Health health() {
        MessageListenerContainer container = listeners.getListenerContainer(FactListener.ID);
        boolean running = container != null && container.isRunning();
        String reason = stopReason.get();
        if (!running || reason != null) {
            Health.Builder health =
                    Health.down().withDetail("listener", FactListener.ID).withDetail("running", running);
            return reason == null
                    ? health.build()
                    : health.withDetail("error", reason).build();
        }
        List<Backpressure.Pause> paused = owned(backpressure.current(), container.getAssignedPartitions());
        Health.Builder health = paused.isEmpty() ? Health.up() : Health.status(PAUSED);
        health.withDetail("listener", FactListener.ID).withDetail("running", true);
        if (!paused.isEmpty()) {
            health.withDetail("paused", details(paused));
        }
        return health.build();
    }

    /** Pauses of partitions the container still owns: a partition moved away is its new owner's business. */
    private static List<Backpressure.Pause> owned(
            List<Backpressure.Pause> pauses, Collection<TopicPartition> assigned) {
        Set<TopicPartition> owned = assigned == null ? Set.of() : Set.copyOf(assigned);
        return pauses.stream()
                .filter(pause -> owned.contains(pause.partition()))
                .toList();
    }

    private static Map<String, Map<String, Object>> details(List<Backpressure.Pause> pauses) {
        Map<String, Map<String, Object>> details = new LinkedHashMap<>();
        for (Backpressure.Pause pause : pauses) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("fromOffset", pause.offset());
            detail.put("until", pause.until().toString());
            detail.put("attempt", pause.attempt());
            detail.put("reason", pause.reason());
            details.put(pause.partition().toString(), detail);
        }
        return details;
    }
}
