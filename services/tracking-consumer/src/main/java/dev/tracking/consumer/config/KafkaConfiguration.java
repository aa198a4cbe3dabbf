package dev.tracking.consumer.config;

import dev.tracking.client.registry.SchemaRegistryException;
import dev.tracking.consumer.consume.Backpressure;
import dev.tracking.consumer.consume.ConsumptionHealth;
import dev.tracking.consumer.consume.KafkaHealth;
import dev.tracking.consumer.consume.PausedIsNotReady;
import dev.tracking.consumer.consume.StopConsumption;
import dev.tracking.consumer.delivery.PostHogMisconfiguredException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;

/**
 * Kafka plumbing: the listener container's error handling, the dead-letter producer and the topics.
 *
 * <p>Commits and retries are the pipeline's, per partition ({@code consume.PartitionControl}): the container runs in
 * ack mode {@code MANUAL} and nothing is acknowledged through it, so it never commits an offset itself (a batch error
 * handler that acknowledged after a successful retry used to commit every partition of the poll, revoked ones
 * included). The listener throws only to stop consumption: {@link PostHogMisconfiguredException} (401 and friends, a
 * 400 that is not PostHog's) or {@link SchemaRegistryException} (the registry refused us), which {@link StopConsumption}
 * turns into a stopped container and health DOWN, nothing committed or dead-lettered for it.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    @Bean
    String[] factTopics(TopicsProperties topics) {
        return topics.sources().toArray(String[]::new);
    }

    /** The partitions held back right now (health component {@code consumption}, readiness). */
    @Bean
    Backpressure backpressure(Clock clock) {
        return new Backpressure(clock);
    }

    @Bean
    ConsumptionHealth consumptionHealthIndicator(KafkaListenerEndpointRegistry listeners, Backpressure backpressure) {
        return new ConsumptionHealth(listeners, backpressure);
    }

    /** The readiness group is DOWN while partitions are paused (component {@code consumption} PAUSED). */
    @Bean
    static PausedIsNotReady pausedIsNotReady() {
        return new PausedIsNotReady();
    }

    /** Health component {@code kafka}: the cluster answers, through the consumer's own connection settings. */
    @Bean(destroyMethod = "close")
    KafkaHealth kafkaHealthIndicator(KafkaAdmin admin) {
        Map<String, Object> config = new HashMap<>(admin.getConfigurationProperties());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "tracking-consumer-health");
        return new KafkaHealth(config, Duration.ofSeconds(5));
    }

    @Bean
    CommonErrorHandler factErrorHandler(ConsumptionHealth health) {
        return new StopConsumption(health);
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

    /** Creates missing source and dead-letter topics at start-up ({@code tracking.topics.create}); never changes any. */
    @Bean
    @ConditionalOnProperty(name = "tracking.topics.create", havingValue = "true", matchIfMissing = true)
    TopicProvisioner topicProvisioner(KafkaAdmin admin, TopicsProperties topics) {
        return new TopicProvisioner(admin.getConfigurationProperties(), topics);
    }
}
