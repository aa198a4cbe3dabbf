package dev.tracking.client;

import static org.awaitility.Awaitility.await;

import dev.tracking.schemas.FactFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/** What the integration tests read back from the embedded broker: records and end offsets of whole topics. */
public final class KafkaTopics {
    public static final int PARTITIONS = 3;
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private KafkaTopics() {}

    /** Creates one topic per family, named {@code <prefix>.<family>}, and returns them by family. */
    public static Map<FactFamily, String> createFamilyTopics(EmbeddedKafkaBroker broker, String prefix) {
        Map<FactFamily, String> topics = new EnumMap<>(FactFamily.class);
        for (FactFamily family : FactFamily.values()) {
            topics.put(family, prefix + "." + family.key());
        }
        create(broker, topics.values());
        return topics;
    }

    /** Creates the default topic of every family. */
    public static void createDefaultTopics(EmbeddedKafkaBroker broker) {
        create(broker, defaultTopics());
    }

    /**
     * Creates the topics and waits until the broker leads every partition. Writing to a partition the moment it is
     * created meets NOT_LEADER_OR_FOLLOWER responses, and in KRaft the idempotent producer's retry of such a batch was
     * seen to end in OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout: a test artefact, not what the test is
     * about.
     */
    public static void create(EmbeddedKafkaBroker broker, Collection<String> topics) {
        broker.addTopics(topics.stream()
                .map(topic -> new NewTopic(topic, PARTITIONS, (short) 1))
                .toArray(NewTopic[]::new));
        await("partitions of " + topics + " have their leader")
                .atMost(PATIENCE)
                .ignoreExceptions()
                .until(() -> endOffsets(broker.getBrokersAsString(), topics).size() == topics.size() * PARTITIONS);
    }

    /** The default topic of every family. */
    public static List<String> defaultTopics() {
        return Arrays.stream(FactFamily.values()).map(FactFamily::defaultTopic).toList();
    }

    /** Waits until the topics hold at least {@code expected} records in all, and returns all of them. */
    public static List<ConsumerRecord<byte[], byte[]>> awaitRecords(
            String bootstrap, Collection<String> topics, int expected, String what) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = partitionsOf(consumer, topics);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            await(what).atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= expected;
            });
            return records;
        }
    }

    /** End offset of every partition of the topics, by {@code topic-partition}. */
    public static Map<String, Long> endOffsets(String bootstrap, Collection<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            Map<String, Long> offsets = new TreeMap<>();
            consumer.endOffsets(partitionsOf(consumer, topics), PATIENCE)
                    .forEach((partition, offset) -> offsets.put(partition.toString(), offset));
            return offsets;
        }
    }

    /** Sum of the end offsets of the topics: how many records were ever written to them. */
    public static long recordCount(String bootstrap, Collection<String> topics) {
        return endOffsets(bootstrap, topics).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, Collection<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, PATIENCE)
                    .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        return partitions;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
