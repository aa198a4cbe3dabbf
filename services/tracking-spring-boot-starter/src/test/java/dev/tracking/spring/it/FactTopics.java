package dev.tracking.spring.it;

import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.Facts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** Brokers with every fact topic, and what landed on them. */
final class FactTopics {
    static final int PARTITIONS = 3;

    private FactTopics() {}

    /** A started single-node broker with every fact topic; on {@code port} when it is not 0. */
    static EmbeddedKafkaBroker broker(int port) {
        String[] topics =
                Arrays.stream(FactFamily.values()).map(FactFamily::defaultTopic).toArray(String[]::new);
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS, topics);
        if (port != 0) {
            broker.kafkaPorts(port);
        }
        broker.afterPropertiesSet();
        return broker;
    }

    /** One record as it landed: where, its key, its bytes and the fact they decode to. */
    record Landed(int partition, long offset, String key, byte[] value, SpecificRecord fact) {
        String eventId() {
            return Facts.eventId(fact);
        }
    }

    /** Every record of the topic, read from the beginning, per partition in offset order. */
    static List<Landed> read(String bootstrapServers, String topic) {
        FactDecoder decoder = SingleObjectEncoding.decoder();
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        List<Landed> landed = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    landed.add(new Landed(
                            record.partition(),
                            record.offset(),
                            new String(record.key(), StandardCharsets.UTF_8),
                            record.value(),
                            decoder.decode(topic, record.value())));
                }
            }
        }
        return landed;
    }
}
