package dev.tracking.spring.autoconfigure;

import dev.tracking.client.FactPublisher;
import dev.tracking.client.registry.HttpSchemaRegistryClient;
import dev.tracking.spring.observe.PublishActivity;
import dev.tracking.spring.observe.TrackingHealthIndicator;
import dev.tracking.spring.outbox.FactOutbox;
import dev.tracking.spring.outbox.OutboxRelay;
import dev.tracking.spring.outbox.OutboxStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Gives a Spring Boot service a {@link FactPublisher} from {@code spring.kafka.*} and {@code tracking.*}; with a
 * DataSource and a transaction manager, a {@link FactOutbox} ({@code publishAfterCommit}) and its {@link OutboxRelay};
 * with Actuator, the {@code tracking} health component; with Micrometer, the {@code tracking.*} meters.
 *
 * <p>The producer takes every {@code spring.kafka.*} and {@code spring.kafka.producer.*} setting except the
 * serializers (facts are Avro bytes). {@code acks} and {@code enable.idempotence} cannot be weakened (start-up fails
 * naming the key and value). Unless set there, {@code max.block.ms}, {@code request.timeout.ms} and {@code
 * delivery.timeout.ms} follow {@code tracking.outbox.send-timeout}, so that a send the relay gave up on is not left
 * retrying in the producer.
 */
@AutoConfiguration(
        after = KafkaAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
            "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
        })
@EnableConfigurationProperties({TrackingProperties.class, KafkaProperties.class})
public class TrackingAutoConfiguration {
    private static final Set<String> SERIALIZERS =
            Set.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

    @Bean
    @ConditionalOnMissingBean
    PublishActivity trackingPublishActivity(ObjectProvider<MeterRegistry> registry) {
        return new PublishActivity(registry.getIfAvailable(), Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    FactPublisher factPublisher(KafkaProperties kafka, TrackingProperties tracking, PublishActivity activity) {
        FactPublisher.Builder builder = FactPublisher.builder().listener(activity);
        Map<String, Object> producer = producerProperties(kafka, tracking);
        producer.forEach((key, value) -> {
            if (!SERIALIZERS.contains(key)) {
                builder.producerProperty(key, value);
            }
        });
        Object servers = producer.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        builder.bootstrapServers(
                servers instanceof Iterable<?> list
                        ? String.join(
                                ",",
                                java.util.stream.StreamSupport.stream(list.spliterator(), false)
                                        .map(String::valueOf)
                                        .toList())
                        : String.valueOf(servers));
        tracking.topics().byFamily().forEach(builder::topic);
        TrackingProperties.SchemaRegistry registry = tracking.schemaRegistry();
        if (registry.enabled()) {
            HttpSchemaRegistryClient.Builder client = HttpSchemaRegistryClient.builder(registry.uri())
                    .connectTimeout(registry.connectTimeout())
                    .requestTimeout(registry.requestTimeout());
            if (registry.username() != null && !registry.username().isBlank()) {
                client.basicAuth(registry.username(), registry.password());
            }
            builder.schemaRegistry(client.build());
        }
        return builder.build();
    }

    /** Boot's producer settings, with the timeouts following the relay's send timeout unless set explicitly. */
    static Map<String, Object> producerProperties(KafkaProperties kafka, TrackingProperties tracking) {
        Map<String, Object> producer = kafka.buildProducerProperties();
        long sendTimeout = tracking.outbox().sendTimeout().toMillis();
        producer.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(60_000L, sendTimeout));
        producer.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000L, sendTimeout));
        producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(
                sendTimeout,
                Long.parseLong(String.valueOf(producer.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)))
                        + Long.parseLong(String.valueOf(producer.get(ProducerConfig.LINGER_MS_CONFIG)))));
        return producer;
    }

    /** The outbox, when the service has a DataSource and a transaction manager. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean({DataSource.class, PlatformTransactionManager.class})
    @ConditionalOnProperty(name = "tracking.outbox.enabled", havingValue = "true", matchIfMissing = true)
    static class OutboxConfiguration {

        @Bean
        @ConditionalOnMissingBean
        OutboxStore trackingOutboxStore(DataSource dataSource, TrackingProperties tracking) {
            OutboxStore store = new OutboxStore(dataSource, tracking.outbox().table());
            if (tracking.outbox().initializeSchema()) {
                store.createSchemaIfMissing();
            }
            return store;
        }

        @Bean
        @ConditionalOnMissingBean
        OutboxRelay trackingOutboxRelay(
                OutboxStore store,
                FactPublisher publisher,
                PlatformTransactionManager transactionManager,
                TrackingProperties tracking,
                PublishActivity activity) {
            TrackingProperties.Outbox outbox = tracking.outbox();
            return new OutboxRelay(
                    store,
                    publisher::publish,
                    transactionManager,
                    new OutboxRelay.Settings(
                            outbox.pollInterval(),
                            outbox.batchSize(),
                            outbox.sendTimeout(),
                            outbox.initialBackoff(),
                            outbox.maxBackoff()),
                    activity,
                    Clock.systemUTC());
        }

        @Bean
        @ConditionalOnMissingBean
        FactOutbox factOutbox(OutboxStore store, OutboxRelay relay) {
            return new FactOutbox(store, relay::wakeUp, Clock.systemUTC());
        }
    }

    /** The {@code tracking} health component, when the service has Spring Boot's health support (Actuator). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "trackingHealthIndicator")
        TrackingHealthIndicator trackingHealthIndicator(
                KafkaProperties kafka,
                TrackingProperties tracking,
                PublishActivity activity,
                ObjectProvider<OutboxStore> outbox) {
            return new TrackingHealthIndicator(
                    kafka.buildAdminProperties(),
                    tracking.health().brokerTimeout(),
                    activity,
                    outbox.getIfAvailable() != null,
                    tracking.outbox().staleAfter(),
                    Clock.systemUTC());
        }
    }
}
