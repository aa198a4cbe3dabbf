package dev.tracking.replay;

import dev.tracking.client.kafka.KafkaClientProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The tool's connection to Kafka: every client (admin, consumer, producer) gets the same settings, those of {@link
 * KafkaClientProperties} (SASL, TLS) on top of the tool's own; every call is bounded by {@code timeout}, and failures
 * become {@link ReplayException}s that name the broker (exit 3), the unusable address or the refused authentication
 * (exit 2), never a hang.
 */
final class KafkaAccess implements AutoCloseable {
    private final String bootstrapServers;
    private final KafkaClientProperties settings;
    private final Duration timeout;
    private final Admin admin;

    KafkaAccess(String bootstrapServers, KafkaClientProperties settings, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.settings = settings;
        this.timeout = timeout;
        try {
            this.admin = Admin.create(common());
        } catch (KafkaException e) {
            throw unusable(e);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    private Map<String, Object> common() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "dlq-replay");
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        config.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(millis, 2_000));
        config.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, millis);
        config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        settings.applyTo(config);
        return config;
    }

    private ReplayException unusable(KafkaException e) {
        Throwable reason = e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(reason.getMessage());
        if (message.contains("resolvable")) {
            return ReplayException.unavailable("cannot reach Kafka at " + bootstrapServers
                    + " (KAFKA_BOOTSTRAP_SERVERS or --bootstrap-servers): no address of it resolves");
        }
        if (!message.contains("bootstrap")) {
            // a client setting Kafka refused at creation (the values were checked; a login module class, say)
            return ReplayException.usage("cannot create a Kafka client for " + bootstrapServers + " with "
                    + settings.describeSecurity() + ": " + message);
        }
        return ReplayException.usage("KAFKA_BOOTSTRAP_SERVERS '" + bootstrapServers + "' is not usable: " + message
                + "; expected host:port[,host:port...], such as 127.0.0.1:9092");
    }

    private ReplayException unreachable(Exception e) {
        Optional<AuthenticationException> refused = KafkaClientProperties.authenticationFailure(e);
        if (refused.isPresent()) {
            return ReplayException.usage(settings.authenticationRefused(bootstrapServers, refused.get()));
        }
        return ReplayException.unavailable("cannot reach Kafka at " + bootstrapServers + " within "
                + Durations.human(timeout) + " (KAFKA_BOOTSTRAP_SERVERS or --bootstrap-servers; --timeout to wait"
                + " longer): is the broker running? `make kafka-up` starts the local one"
                + (e instanceof TimeoutException ? "" : " (" + e + ")"));
    }

    /** Names of the topics the broker has. */
    Set<String> topics() {
        try {
            return admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    /** Partitions of each topic, which must exist. */
    Map<String, Integer> partitionCounts(Collection<String> topics) {
        try {
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Integer> counts = new HashMap<>();
            described.forEach((name, description) ->
                    counts.put(name, description.partitions().size()));
            return counts;
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    /** Creates a compacted single-partition topic unless it exists; true when this call created it. */
    boolean createCompactedTopic(String topic) {
        NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            if (KafkaClientProperties.authenticationFailure(e).isPresent()) {
                throw unreachable(e);
            }
            throw ReplayException.unavailable("cannot create topic " + topic + " on " + bootstrapServers + ": "
                    + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    /**
     * Every record in these (existing) topics from the beginning to their end when the call started. Fails when no
     * record arrives for {@code timeout} while some are still expected.
     */
    List<ConsumerRecord<byte[], byte[]>> readAll(Collection<String> topics) {
        Map<String, Integer> partitions = partitionCounts(topics);
        List<TopicPartition> assigned = new ArrayList<>();
        partitions.forEach((topic, count) -> {
            for (int p = 0; p < count; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
        });
        assigned.sort((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition())
                : a.topic().compareTo(b.topic()));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, Object> config = common();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // only partitions holding records: a fetch that includes empty ones may wait fetch.max.wait.ms for them
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(assigned, timeout));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(assigned, timeout);
            end.entrySet().removeIf(e -> e.getValue() <= begin.getOrDefault(e.getKey(), 0L));
            consumer.assign(end.keySet());
            consumer.seekToBeginning(end.keySet());
            long lastProgress = System.nanoTime();
            while (!caughtUp(consumer, end)) {
                int before = records.size();
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() > before) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > timeout.toNanos()) {
                    throw ReplayException.unavailable("reading " + topics + " from " + bootstrapServers
                            + " made no progress for " + Durations.human(timeout));
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException | AuthenticationException e) {
            throw unreachable(e);
        }
        records.sort((a, b) -> a.topic().equals(b.topic())
                ? (a.partition() == b.partition()
                        ? Long.compare(a.offset(), b.offset())
                        : Integer.compare(a.partition(), b.partition()))
                : a.topic().compareTo(b.topic()));
        return records;
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** An idempotent producer waiting for every in-sync replica; {@code send(...).get()} is bounded by the timeout. */
    KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> config = common();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)
                Math.max(timeout.toMillis() + 5, Math.min(Integer.MAX_VALUE, timeout.toMillis() * 3)));
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    Duration timeout() {
        return timeout;
    }

    @Override
    public void close() {
        admin.close(Duration.ZERO);
    }
}
