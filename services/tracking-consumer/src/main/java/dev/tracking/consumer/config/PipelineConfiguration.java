package dev.tracking.consumer.config;

import dev.tracking.client.registry.HttpSchemaRegistryClient;
import dev.tracking.client.serde.ConfluentEncoding;
import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.consumer.consume.Backpressure;
import dev.tracking.consumer.consume.ConsumerLag;
import dev.tracking.consumer.consume.FactListener;
import dev.tracking.consumer.consume.FactPipeline;
import dev.tracking.consumer.consume.PartitionControl;
import dev.tracking.consumer.consume.PipelineMetrics;
import dev.tracking.consumer.deadletter.DeadLetters;
import dev.tracking.consumer.decode.FactReader;
import dev.tracking.consumer.decode.RegistryHealth;
import dev.tracking.consumer.decode.SchemasHealth;
import dev.tracking.consumer.decode.UnknownSchemaHold;
import dev.tracking.consumer.dedup.DedupStore;
import dev.tracking.consumer.dedup.InMemoryDedupStore;
import dev.tracking.consumer.dedup.RedisDedupStore;
import dev.tracking.consumer.dedup.RedisHealth;
import dev.tracking.consumer.dedup.StateFilter;
import dev.tracking.consumer.delivery.BackoffPolicy;
import dev.tracking.consumer.delivery.DeliveryHealth;
import dev.tracking.consumer.delivery.DeliveryResilience;
import dev.tracking.consumer.delivery.DryRunTransport;
import dev.tracking.consumer.delivery.HttpPostHogTransport;
import dev.tracking.consumer.delivery.MeteredTransport;
import dev.tracking.consumer.delivery.PostHogSender;
import dev.tracking.consumer.delivery.PostHogTransport;
import dev.tracking.consumer.mapping.EventSelection;
import dev.tracking.consumer.mapping.EventType;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.observe.EventVolume;
import dev.tracking.consumer.observe.FactLedger;
import dev.tracking.consumer.observe.TrackingEndpoint;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;

/** The stages of the pipeline, wired from the typed configuration. */
@Configuration(proxyBeanMethods = false)
public class PipelineConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PipelineConfiguration.class);
    private static final String REGISTRY_CONFIGURED = "!'${tracking.schema-registry.url:}'.trim().isEmpty()";

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The schema registry's client, when {@code tracking.schema-registry.url} is set: same URL, credentials and TLS for
     * decoding and for health. The registry is probed first: start-up fails when it refuses us or is not a registry.
     */
    @Bean
    @ConditionalOnExpression(REGISTRY_CONFIGURED)
    HttpSchemaRegistryClient schemaRegistryClient(SchemaRegistryProperties registry) {
        HttpSchemaRegistryClient.Builder client = HttpSchemaRegistryClient.builder(registry.url())
                .connectTimeout(registry.connectTimeout())
                .requestTimeout(registry.requestTimeout())
                .maxAttempts(registry.retry().maxAttempts())
                .backoff(registry.retry().initialBackoff(), registry.retry().maxBackoff());
        if (registry.basicAuth()) {
            client.basicAuth(registry.username(), registry.password());
        }
        SchemaRegistryProperties.Tls tls = registry.tls();
        if (tls.truststore() != null) {
            client.trustStore(tls.truststore(), tls.truststorePassword().toCharArray(), tls.truststoreType());
        }
        HttpSchemaRegistryClient built = client.build();
        SchemaRegistryProbe.atStartUp(built);
        return built;
    }

    /** Health component {@code registry}, when one is configured. */
    @Bean
    @ConditionalOnExpression(REGISTRY_CONFIGURED)
    RegistryHealth registryHealthIndicator(HttpSchemaRegistryClient registry) {
        return new RegistryHealth(registry);
    }

    /**
     * Without a registry: Avro single-object encoding only. With one: both framings, Confluent writer schemas fetched
     * by id once each; a registry that cannot be reached throws a retryable exception (the batch is retried, nothing is
     * dead-lettered).
     */
    @Bean
    FactDecoder factDecoder(ObjectProvider<HttpSchemaRegistryClient> client) {
        HttpSchemaRegistryClient built = client.getIfAvailable(); // a bean only when a registry is configured
        if (built == null) {
            log.info("no tracking.schema-registry.url: reading Avro single-object encoding only");
            return SingleObjectEncoding.decoder();
        }
        log.info("reading Confluent-framed facts with schema registry {} and single-object encoded ones", built.url());
        return ConfluentEncoding.decoder(built);
    }

    /** Records naming an unknown writer schema: how long they are held, and which are (health component schemas). */
    @Bean
    UnknownSchemaHold unknownSchemaHold(SchemaRegistryProperties registry, Clock clock) {
        return new UnknownSchemaHold(registry.unknownSchemaHold(), clock);
    }

    @Bean
    SchemasHealth schemasHealthIndicator(UnknownSchemaHold hold) {
        return new SchemasHealth(hold);
    }

    @Bean
    FactReader factReader(FactDecoder decoder, UnknownSchemaHold hold, Clock clock) {
        return new FactReader(decoder, hold, clock);
    }

    @Bean
    FactMapping factMapping() {
        return FactMapping.standard();
    }

    @Bean(destroyMethod = "close")
    DedupStore dedupStore(DedupProperties dedup, Clock clock) {
        return switch (dedup.store()) {
            case MEMORY -> new InMemoryDedupStore(dedup.window(), dedup.memory().maxEntries(), clock);
            case REDIS -> RedisDedupStore.connect(dedup.redis(), dedup.window());
        };
    }

    /** Health component {@code redis}, when the dedup store is Redis. */
    @Bean
    @ConditionalOnProperty(name = "tracking.dedup.store", havingValue = "redis")
    RedisHealth redisHealthIndicator(DedupStore store, DedupProperties dedup) {
        return new RedisHealth((RedisDedupStore) store, dedup.onUnavailable());
    }

    /** The transport to PostHog (or the dry-run file), measured. */
    @Bean(destroyMethod = "close")
    PostHogTransport postHogTransport(
            PostHogProperties posthog, Clock clock, MeterRegistry meters, CircuitBreaker postHogCircuitBreaker) {
        return new MeteredTransport(transport(posthog, clock), meters, postHogCircuitBreaker);
    }

    private static PostHogTransport transport(PostHogProperties posthog, Clock clock) {
        if (posthog.dryRun()) {
            try {
                DryRunTransport transport = new DryRunTransport(posthog.dryRunFile());
                log.info(
                        "no POSTHOG_API_KEY: dry-run, appending each PostHog request body to {}",
                        transport.destination());
                return transport;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open tracking.posthog.dry-run-file=" + posthog.dryRunFile(), e);
            }
        }
        log.info("delivering to {}", posthog.batchEndpoint());
        return new HttpPostHogTransport(
                HttpPostHogTransport.defaultClient(posthog.connectTimeout()),
                posthog.batchEndpoint(),
                posthog.requestTimeout(),
                clock);
    }

    @Bean
    CircuitBreaker postHogCircuitBreaker(DeliveryProperties delivery) {
        return DeliveryResilience.circuitBreaker(delivery.circuitBreaker());
    }

    @Bean
    Retry postHogRetry(DeliveryProperties delivery) {
        return DeliveryResilience.retry(
                delivery.retry(), () -> ThreadLocalRandom.current().nextDouble());
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService deliveryScheduler() {
        return Executors.newScheduledThreadPool(1, runnable -> {
            Thread thread = new Thread(runnable, "posthog-retry");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    DeliveryHealth posthogHealthIndicator(PostHogTransport transport, CircuitBreaker breaker, Clock clock) {
        return new DeliveryHealth(transport.destination(), breaker, clock);
    }

    @Bean
    PostHogSender postHogSender(
            PostHogProperties posthog,
            DeliveryProperties delivery,
            PostHogTransport transport,
            Retry retry,
            CircuitBreaker breaker,
            ScheduledExecutorService deliveryScheduler,
            Clock clock,
            DeliveryHealth health) {
        return new PostHogSender(
                transport,
                new PostHogSender.Limits(
                        posthog.apiKey(),
                        posthog.historicalMigration(),
                        posthog.historicalAfter(),
                        posthog.batchSize(),
                        posthog.maxRequestSize().toBytes(),
                        posthog.dryRun() ? 0 : posthog.gzipLevel(),
                        delivery.maxRejectedEvents()),
                retry,
                breaker,
                deliveryScheduler,
                posthog.maxConcurrentRequests(),
                clock,
                health);
    }

    /** Each polled record counted once, by fact type and outcome (meters {@code tracking.facts.*}). */
    @Bean
    FactLedger factLedger(MeterRegistry meters) {
        return FactLedger.of(meters);
    }

    @Bean
    EventVolume eventVolume(Clock clock, EventsProperties events) {
        return new EventVolume(clock, events.monthlyAllowance());
    }

    @Bean
    PipelineMetrics pipelineMetrics(MeterRegistry meters, FactLedger ledger, EventVolume volume) {
        return new PipelineMetrics(meters, ledger, volume);
    }

    /** {@code /actuator/tracking}: the reconciliation per fact type and the PostHog volume per event. */
    @Bean
    TrackingEndpoint trackingEndpoint(FactLedger ledger, EventVolume volume, ConsumerLag lag, Clock clock) {
        return new TrackingEndpoint(ledger, volume, lag::total, clock.instant());
    }

    @Bean
    DeadLetters deadLetters(KafkaTemplate<byte[], byte[]> deadLetterTemplate, TopicsProperties topics) {
        return new DeadLetters(deadLetterTemplate, topics::deadLetterTopicOf);
    }

    @Bean
    FactPipeline factPipeline(
            FactReader reader,
            DedupStore store,
            DedupProperties dedup,
            FactMapping mapping,
            EventsProperties events,
            PostHogSender sender,
            DeadLetters deadLetters,
            PipelineMetrics metrics,
            PostHogProperties posthog,
            DeliveryProperties delivery,
            KafkaProperties kafka,
            Clock clock) {
        Duration pollInterval = maxPollInterval(kafka);
        // past the limit, a request already sent may still take its timeout, and a wait already begun its back-off
        Duration longestPoll = delivery.inPlaceLimit()
                .plus(posthog.requestTimeout())
                .plus(delivery.retry().maxBackoff());
        if (longestPoll.multipliedBy(2).compareTo(pollInterval) > 0) {
            throw new IllegalArgumentException("tracking.delivery.in-place-limit=" + delivery.inPlaceLimit()
                    + " plus tracking.posthog.request-timeout=" + posthog.requestTimeout()
                    + " plus tracking.delivery.retry.max-backoff="
                    + delivery.retry().maxBackoff()
                    + " must stay below half of max.poll.interval.ms=" + pollInterval.toMillis()
                    + ", or a slow PostHog gets the consumer evicted from its group; lower them or raise"
                    + " spring.kafka.consumer.properties.max.poll.interval.ms");
        }
        EventSelection selection = events.selection(mapping.eventTypes());
        List<String> suppressed = selection.suppressed(mapping.eventTypes().values()).stream()
                .map(EventType::name)
                .toList();
        log.info(
                "sending {}{}",
                selection,
                suppressed.isEmpty() ? "" : "; not sent (facts still handled): " + String.join(", ", suppressed));
        return new FactPipeline(
                reader,
                new StateFilter(store, dedup.onUnavailable()),
                mapping,
                selection,
                sender,
                deadLetters,
                metrics,
                clock,
                posthog.maxEventSize().toBytes(),
                delivery.inPlaceLimit());
    }

    /** Commits, rewinds and pauses the listener's partitions after each poll. */
    @Bean
    PartitionControl partitionControl(
            KafkaListenerEndpointRegistry listeners,
            ScheduledExecutorService deliveryScheduler,
            DeliveryProperties delivery,
            DeadLetters deadLetters,
            KafkaProperties kafka,
            Backpressure backpressure) {
        BackoffPolicy outage = new BackoffPolicy(
                delivery.outage().initialBackoff(),
                2.0,
                delivery.outage().maxBackoff(),
                0.2,
                () -> ThreadLocalRandom.current().nextDouble());
        Duration commitTimeout =
                Duration.ofMillis(Math.min(30_000, maxPollInterval(kafka).toMillis() / 10));
        return new PartitionControl(
                () -> listeners.getListenerContainer(FactListener.ID),
                new ListenerContainerPauseService(listeners, new ConcurrentTaskScheduler(deliveryScheduler)),
                outage,
                deadLetters,
                commitTimeout,
                backpressure);
    }

    @Bean
    ConsumerLag consumerLag(MeterRegistry meters) {
        return new ConsumerLag(meters);
    }

    @Bean
    FactListener factListener(FactPipeline pipeline, PartitionControl partitionControl, ConsumerLag consumerLag) {
        return new FactListener(pipeline, partitionControl, consumerLag);
    }

    private static Duration maxPollInterval(KafkaProperties kafka) {
        Object configured = kafka.buildConsumerProperties().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        return Duration.ofMillis(configured == null ? 300_000 : Long.parseLong(configured.toString()));
    }
}
