package dev.tracking.consumer.consume;

import dev.tracking.client.registry.SchemaRegistryException;
import dev.tracking.consumer.delivery.PostHogMisconfiguredException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.CommonContainerStoppingErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The listener container's error handler. The listener throws only when consumption must stop (PostHog or the schema
 * registry refused this service: a misconfiguration that no retry fixes), so this stops the container and records the
 * reason for health component {@code consumption}. Retries of an unavailable destination never come here: the pipeline
 * rewinds and pauses the partition itself, which keeps the other partitions flowing and the consumer in its group
 * (unlike a batch error handler's retry, which holds every partition of the poll and, once it succeeds, acknowledges
 * them all).
 */
public final class StopConsumption extends CommonContainerStoppingErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(StopConsumption.class);

    private final ConsumptionHealth health;

    public StopConsumption(ConsumptionHealth health) {
        this.health = health;
    }

    @Override
    public void handleBatch(
            Exception thrown,
            ConsumerRecords<?, ?> data,
            Consumer<?, ?> consumer,
            MessageListenerContainer container,
            Runnable invokeListener) {
        String reason = reason(thrown);
        log.error("stopping consumption: {}", reason);
        health.stopping(reason);
        super.handleBatch(thrown, data, consumer, container, invokeListener);
    }

    /** The message of the refusal that stops consumption, found in the listener exception's cause chain. */
    static String reason(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof PostHogMisconfiguredException || cause instanceof SchemaRegistryException) {
                return cause.getMessage();
            }
        }
        return String.valueOf(thrown);
    }
}
