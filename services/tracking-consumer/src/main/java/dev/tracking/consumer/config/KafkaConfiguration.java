package dev.tracking.consumer.config;

import dev.tracking.client.registry.SchemaRegistryException;
import dev.tracking.consumer.consume.ConsumptionHealth;
import dev.tracking.consumer.delivery.PostHogMisconfiguredException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonContainerStoppingErrorHandler;
import org.springframework.kafka.listener.CommonDelegatingErrorHandler;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Kafka plumbing: the listener container's error handling, the dead-letter producer and the topics.
 *
 * <p>Error handling of the batch listener (Spring Kafka's machinery, no hand-written loop):
 *
 * <ul>
 *   <li>{@link PostHogMisconfiguredException} (401 and friends) or a {@link SchemaRegistryException} (the registry
 *       refused our credentials or request): {@link CommonContainerStoppingErrorHandler} stops the container; nothing
 *       is committed or dead-lettered; health component {@code consumption} turns DOWN with the reason (and
 *       {@code posthog} too in PostHog's case);
 *   <li>anything else thrown by the pipeline (PostHog unavailable, dedup store or dead-letter topic unavailable):
 *       {@link DefaultErrorHandler} pauses the consumer and re-invokes the listener with the same batch, with
 *       exponential back-off and no limit on attempts, so an outage of hours loses nothing and needs no human. It
 *       never "recovers" a record: dead-lettering is the pipeline's decision, for bad records only.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {
    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

    @Bean
    String[] factTopics(TopicsProperties topics) {
        return topics.sources().toArray(String[]::new);
    }

    @Bean
    ConsumptionHealth consumptionHealthIndicator(KafkaListenerEndpointRegistry listeners) {
        return new ConsumptionHealth(listeners);
    }

    @Bean
    CommonErrorHandler factErrorHandler(DeliveryProperties delivery, ConsumptionHealth health) {
        ExponentialBackOff backOff =
                new ExponentialBackOff(delivery.outage().initialBackoff().toMillis(), 2.0);
        backOff.setMaxInterval(delivery.outage().maxBackoff().toMillis());
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        DefaultErrorHandler retryForever = new DefaultErrorHandler(
                (record, exception) -> {
                    throw new IllegalStateException(
                            "refusing to skip " + record.topic() + "-" + record.partition() + "@" + record.offset()
                                    + " after a delivery failure; the batch will be retried",
                            exception);
                },
                backOff);
        retryForever.setClassifications(Map.of(), true); // every failure that reaches here is worth retrying
        retryForever.setLogLevel(org.springframework.kafka.KafkaException.Level.WARN);
        CommonDelegatingErrorHandler handler = new CommonDelegatingErrorHandler(retryForever) {
            /*
             * Spring Kafka 4.0's delegating handler does not pass this on. The retrying handler needs it: while it
             * retries a batch it polls the paused consumer to stay in the group, and partitions assigned by a
             * rebalance meanwhile must be paused too, or records fetched by those polls are skipped (and lost once a
             * later offset is committed). RebalanceDuringOutageIT fails without this.
             */
            @Override
            public void onPartitionsAssigned(
                    org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
                    java.util.Collection<org.apache.kafka.common.TopicPartition> partitions,
                    Runnable publishPause) {
                retryForever.onPartitionsAssigned(consumer, partitions, publishPause);
            }
        };
        handler.setCauseChainTraversing(true);
        CommonContainerStoppingErrorHandler stop = new CommonContainerStoppingErrorHandler() {
            @Override
            public void handleBatch(
                    Exception thrownException,
                    org.apache.kafka.clients.consumer.ConsumerRecords<?, ?> data,
                    org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
                    org.springframework.kafka.listener.MessageListenerContainer container,
                    Runnable invokeListener) {
                String reason = stopReason(thrownException);
                log.error("stopping consumption: {}", reason);
                health.stopping(reason);
                super.handleBatch(thrownException, data, consumer, container, invokeListener);
            }
        };
        handler.addDelegate(PostHogMisconfiguredException.class, stop);
        // the registry answered but refused us (401/403, bad request): configuration, not an outage
        handler.addDelegate(SchemaRegistryException.class, stop);
        return handler;
    }

    /** The message of the refusal that stops consumption, found in the listener exception's cause chain. */
    private static String stopReason(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof PostHogMisconfiguredException || cause instanceof SchemaRegistryException) {
                return cause.getMessage();
            }
        }
        return String.valueOf(thrown.getMessage());
    }

    /** Producer of dead-letter records: bytes in, bytes out, idempotent, every write acknowledged by all replicas. */
    @Bean
    KafkaTemplate<byte[], byte[]> deadLetterTemplate(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "tracking-consumer-dlt");
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config));
    }

    /** Source and dead-letter topics, created at start-up when missing ({@code tracking.topics.create}). */
    @Bean
    @ConditionalOnProperty(name = "tracking.topics.create", havingValue = "true", matchIfMissing = true)
    KafkaAdmin.NewTopics factTopicDeclarations(TopicsProperties topics) {
        List<NewTopic> declared = new ArrayList<>();
        for (String source : topics.sources()) {
            for (String name : List.of(source, topics.deadLetterTopicOf(source))) {
                declared.add(TopicBuilder.name(name)
                        .partitions(topics.partitions())
                        .replicas(topics.replicationFactor())
                        .build());
            }
        }
        return new KafkaAdmin.NewTopics(declared.stream().distinct().toArray(NewTopic[]::new));
    }
}
