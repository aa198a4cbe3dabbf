package dev.tracking.consumer.consume;

import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Health of consumption ({@code /actuator/health}, component {@code consumption}): UP while the fact listener container
 * runs; DOWN once it stopped, with the reason when the error handler stopped it (PostHog or the schema registry refused
 * this service). Whatever stopped it, nothing is consumed until the configuration is fixed and the service restarted.
 */
public final class ConsumptionHealth implements HealthIndicator {
    private final KafkaListenerEndpointRegistry listeners;
    private final AtomicReference<String> stopReason = new AtomicReference<>();

    public ConsumptionHealth(KafkaListenerEndpointRegistry listeners) {
        this.listeners = listeners;
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
        Health.Builder health = running && reason == null ? Health.up() : Health.down();
        health.withDetail("listener", FactListener.ID).withDetail("running", running);
        if (reason != null) {
            health.withDetail("error", reason);
        }
        return health.build();
    }
}
