package dev.tracking.client;

import dev.tracking.client.registry.SchemaRegistryClient;
import dev.tracking.client.registry.SubjectNameStrategy;
import dev.tracking.client.serde.ConfluentEncoding;
import dev.tracking.client.serde.FactEncoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.FactValidator;
import dev.tracking.schemas.Facts;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes facts to Kafka for the tracking consumer. One instance per service; close it on shutdown. Thread-safe, with
 * one rule: {@link #publish} fills in the fact it is given, so do not publish (or change) one fact object from two
 * threads at once. {@code publish} reads the fact only during the call: once it returns, the object is the caller's
 * again.
 *
 * <pre>{@code
 * try (FactPublisher publisher = FactPublisher.builder().bootstrapServers("kafka:9092").build()) {
 *     publisher.publish(SubscriptionStarted.newBuilder()
 *             .setTeamId("acme").setUserId(null).setPlan("team").setSeats(12).build())
 *         .join();
 * }
 * }</pre>
 *
 * <p>Contract of {@link #publish}:
 *
 * <ul>
 *   <li>an empty {@code event_id} is set to a random UUID and an unset {@code occurred_at} (the epoch) to the clock's
 *       current time <em>on the caller's fact</em>, before anything else: publishing the same object again (after a
 *       failure) repeats both, so the consumer drops a copy that did land. The values sent are in {@link Published}
 *       and in {@link FactNotPublishedException};
 *   <li>the fact goes to the topic of its {@link FactFamily} (overridable per family), keyed by {@code team_id}, or
 *       {@code user_id} when it has no team, so everything about one team stays in order on one partition;
 *   <li>the producer is idempotent with {@code acks=all}: the future completes when every in-sync replica has the
 *       record, and completes exceptionally on any failure — nothing is dropped silently:
 *       <ul>
 *         <li>{@link FactNotPublishedException} (Kafka's exception as cause) when Kafka was asked and did not
 *             acknowledge: the fact may or may not have landed; send the same fact again;
 *         <li>the exception itself, unwrapped, when the fact failed before it was sent, so nothing can have landed:
 *             {@link InvalidFactException}, an encoding or schema registry failure.
 *       </ul>
 * </ul>
 *
 * <p>Wire format: Avro single-object encoding by default; the Confluent framing (schema id from a registry) with
 * {@link Builder#schemaRegistry}. The first fact of each type then waits for one registry call (bounded by the
 * client's timeouts and retries); when the registry cannot be reached the future completes exceptionally with {@link
 * dev.tracking.client.registry.SchemaRegistryUnavailableException}. Later facts of that type make no registry call.
 */
public final class FactPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FactPublisher.class);
    private final Producer<byte[], byte[]> producer;
    private final FactEncoder encoder;
    private final Map<FactFamily, String> topics;
    private final Clock clock;
    private final PublishListener listener;

    FactPublisher(Producer<byte[], byte[]> producer, FactEncoder encoder, Map<FactFamily, String> topics, Clock clock) {
        this(producer, encoder, topics, clock, PublishListener.NONE);
    }

    FactPublisher(
            Producer<byte[], byte[]> producer,
            FactEncoder encoder,
            Map<FactFamily, String> topics,
            Clock clock,
            PublishListener listener) {
        this.producer = producer;
        this.encoder = encoder;
        this.topics = topics;
        this.clock = clock;
        this.listener = listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where and as what a fact was published. */
    public record Published(String topic, int partition, long offset, String eventId, Instant occurredAt) {}

    /**
     * Sends one fact, after filling its missing {@code event_id} and {@code occurred_at} in place. See the class
     * documentation for routing, filling and failure semantics.
     *
     * @return completes with where the fact was written; exceptionally with {@link FactNotPublishedException} when
     *     Kafka did not acknowledge it, or with {@link InvalidFactException} (or an encoding failure) when it was not
     *     sent
     */
    public CompletableFuture<Published> publish(SpecificRecord fact) {
        Objects.requireNonNull(fact, "fact");
        long start = System.nanoTime();
        CompletableFuture<Published> result = new CompletableFuture<>();
        ProducerRecord<byte[], byte[]> record;
        try {
            fillIdAndTime(fact);
            record = recordOf(fact);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            tell(Facts.typeName(fact), null, e, start);
            return result;
        }
        String eventId = Facts.eventId(fact);
        Instant occurredAt = Facts.occurredAt(fact);
        String type = Facts.typeName(fact);
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    FactNotPublishedException failure =
                            new FactNotPublishedException(type, record.topic(), eventId, occurredAt, error);
                    tell(type, null, failure, start);
                    result.completeExceptionally(failure);
                } else {
                    Published published = new Published(
                            metadata.topic(), metadata.partition(), metadata.offset(), eventId, occurredAt);
                    tell(type, published, null, start);
                    result.complete(published);
                }
            });
        } catch (RuntimeException e) {
            FactNotPublishedException failure =
                    new FactNotPublishedException(type, record.topic(), eventId, occurredAt, e);
            tell(type, null, failure, start);
            result.completeExceptionally(failure);
        }
        return result;
    }

    private void tell(String type, Published published, Throwable error, long start) {
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        try {
            if (error == null) {
                listener.published(type, published, latency);
            } else {
                listener.failed(type, error, latency);
            }
        } catch (RuntimeException e) {
            LOG.warn("publish listener {} failed on {}: {}", listener, type, e.toString());
        }
    }

    /** The topic facts of this type are published to. */
    public String topicOf(SpecificRecord fact) {
        @SuppressWarnings("unchecked")
        Class<? extends SpecificRecord> type = (Class<? extends SpecificRecord>) fact.getClass();
        return topics.get(FactFamily.of(type));
    }

    /** Topic of each family, as configured. */
    public Map<FactFamily, String> topics() {
        return topics;
    }

    /** Sends everything buffered and waits for the acknowledgements. */
    public void flush() {
        producer.flush();
    }

    /** Flushes, then closes the producer (waiting up to 30 s for outstanding sends). */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }

    /** Sets an empty {@code event_id} and an unset {@code occurred_at} on the caller's fact. */
    private void fillIdAndTime(SpecificRecord fact) {
        String eventId = Facts.eventId(fact);
        if (eventId == null || eventId.isEmpty()) {
            fact.put(Facts.EVENT_ID, UUID.randomUUID().toString());
        }
        Instant occurredAt = Facts.occurredAt(fact);
        if (occurredAt == null || occurredAt.equals(Instant.EPOCH)) {
            fact.put(Facts.OCCURRED_AT, clock.instant());
        }
    }

    /** The validated, encoded fact as a record for its topic. */
    private ProducerRecord<byte[], byte[]> recordOf(SpecificRecord fact) {
        List<String> violations = FactValidator.violations(fact);
        if (!violations.isEmpty()) {
            throw new InvalidFactException(Facts.typeName(fact), violations);
        }
        String topic = topicOf(fact);
        String key = Facts.teamId(fact) != null ? Facts.teamId(fact) : Facts.userId(fact);
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), encoder.encode(topic, fact));
    }

    /** Configuration of a {@link FactPublisher}; only {@link #bootstrapServers} is required. */
    public static final class Builder {
        private final Properties producerProperties = new Properties();
        private final Map<FactFamily, String> topics = new EnumMap<>(FactFamily.class);
        private FactEncoder encoder = SingleObjectEncoding.encoder();
        private Clock clock = Clock.systemUTC();
        private PublishListener listener = PublishListener.NONE;

        private Builder() {
            for (FactFamily family : FactFamily.values()) {
                topics.put(family, family.defaultTopic());
            }
            producerProperties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
            producerProperties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            producerProperties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            producerProperties.put(ProducerConfig.CLIENT_ID_CONFIG, "fact-publisher");
        }

        /** Kafka bootstrap servers, e.g. {@code 127.0.0.1:9092}. */
        public Builder bootstrapServers(String servers) {
            producerProperties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            return this;
        }

        /** Publishes this family's facts to {@code topic} instead of its default. */
        public Builder topic(FactFamily family, String topic) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("topic for " + family.key() + " must not be blank");
            }
            topics.put(family, topic);
            return this;
        }

        /**
         * Any Kafka producer setting (client id, TLS, SASL, batching). Idempotence and {@code acks=all} cannot be
         * weakened: they are what makes {@link #publish} lossless.
         */
        public Builder producerProperty(String key, Object value) {
            if (key.equals(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG) && !"true".equals(String.valueOf(value))
                    || key.equals(ProducerConfig.ACKS_CONFIG)
                            && !"all".equals(value)
                            && !"-1".equals(String.valueOf(value))) {
                throw new IllegalArgumentException(key + "=" + value
                        + " is not allowed: the publisher needs enable.idempotence=true and acks=all");
            }
            producerProperties.put(key, value);
            return this;
        }

        /**
         * Several producer settings at once, each as {@link #producerProperty}: for a secured cluster, those of the
         * environment and a client properties file,
         * {@code producerProperties(KafkaClientProperties.of(System.getenv(), Path.of("client.properties")).asMap())}.
         */
        public Builder producerProperties(Map<String, ?> properties) {
            properties.forEach(this::producerProperty);
            return this;
        }

        /** How facts are serialized; single-object encoding by default. */
        public Builder encoder(FactEncoder encoder) {
            this.encoder = Objects.requireNonNull(encoder);
            return this;
        }

        /**
         * Writes the Confluent framing, registering each fact type's schema with {@code registry} on first use under
         * the subject of {@link SubjectNameStrategy#DEFAULT} ({@code <topic>-<record>}).
         */
        public Builder schemaRegistry(SchemaRegistryClient registry) {
            return schemaRegistry(registry, SubjectNameStrategy.DEFAULT);
        }

        /** Writes the Confluent framing, schemas registered under the subjects {@code strategy} names. */
        public Builder schemaRegistry(SchemaRegistryClient registry, SubjectNameStrategy strategy) {
            this.encoder = ConfluentEncoding.encoder(registry, strategy);
            return this;
        }

        /** Clock used to fill an unset {@code occurred_at}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Told the outcome and latency of every publish (metrics, health). */
        public Builder listener(PublishListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        public FactPublisher build() {
            if (!producerProperties.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalStateException("bootstrapServers is required");
            }
            Producer<byte[], byte[]> producer =
                    new KafkaProducer<>(producerProperties, new ByteArraySerializer(), new ByteArraySerializer());
            return new FactPublisher(producer, encoder, Map.copyOf(topics), clock, listener);
        }
    }
}
