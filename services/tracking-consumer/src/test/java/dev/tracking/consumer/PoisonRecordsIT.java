package dev.tracking.consumer;

import static dev.tracking.consumer.DeliveryFaultsIT.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.consumer.deadletter.DeadLetterHeaders;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.Facts;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Records that can never be delivered, mixed with good ones: the good ones flow, in order, the bad ones are parked. The
 * record naming an unknown fingerprint is held for a second first (ConfluentFramingRegistryIT and FactReaderTest cover
 * the hold itself).
 */
@TestPropertySource(properties = "tracking.schema-registry.unknown-schema-hold=1s")
class PoisonRecordsIT extends TrackingConsumerITSupport {

    @Test
    void poisonRecordsOfEveryKindAreDeadLetteredWhileGoodFactsFlowInOrderPerTeam() {
        String team = "poison-team";
        List<SpecificRecordBase> good = FactFixtures.traffic("poison", 24).stream()
                .map(fact -> withTeam(fact, team))
                .toList();
        byte[] randomBytes = new byte[64];
        new Random(42).nextBytes(randomBytes);
        byte[] unknownFingerprint = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x41};
        SubscriptionStarted negativeSeats = new SubscriptionStarted(
                FactFixtures.factId("poison-negative-seats"), FactFixtures.MONDAY_9AM, team, null, null, "team", -3);
        byte[] invalidFact = SingleObjectEncoding.encoder().encode(topics.subscriptions(), negativeSeats);
        Map<String, byte[]> poison = Map.of(
                "random", randomBytes,
                "unknown-fingerprint", unknownFingerprint,
                "invalid", invalidFact);

        try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
            List<String> poisonOrder = List.of("random", "unknown-fingerprint", "invalid");
            for (int i = 0; i < good.size(); i++) {
                SpecificRecordBase fact = good.get(i);
                String topic = publisher.topicOf(fact);
                producer.send(new ProducerRecord<>(
                        topic, key(team), SingleObjectEncoding.encoder().encode(topic, fact)));
                if (i % 8 == 3) {
                    String kind = poisonOrder.get(i / 8);
                    RecordHeaders headers = new RecordHeaders();
                    headers.add("trace-id", ("trace-" + kind).getBytes(StandardCharsets.UTF_8));
                    producer.send(new ProducerRecord<>(topic, null, key(team), poison.get(kind), headers));
                }
            }
            producer.flush();
        }

        awaitUuids("every good fact reached PostHog", uuidsOf(good));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(deadLetterTopics(), 3);

        // one team's facts of one family share a partition: their events arrive in publication order
        List<String> arrivalOrder =
                posthog.events().stream().map(CapturedEvent::uuid).toList();
        good.stream()
                .collect(Collectors.groupingBy(publisher::topicOf))
                .forEach((topic, facts) -> assertThat(arrivalOrder.stream()
                                .filter(uuidsOf(facts)::contains)
                                .toList())
                        .as("events of %s's facts in %s, in publication order", team, topic)
                        .containsExactlyElementsOf(uuidsOf(facts)));
        assertThat(deadLetters).hasSize(3);
        Map<String, ConsumerRecord<byte[], byte[]>> byTrace =
                deadLetters.stream().collect(Collectors.toMap(record -> header(record, "trace-id"), record -> record));
        assertThat(byTrace.keySet())
                .containsExactlyInAnyOrder("trace-random", "trace-unknown-fingerprint", "trace-invalid");
        poison.forEach((kind, value) -> {
            ConsumerRecord<byte[], byte[]> record = byTrace.get("trace-" + kind);
            assertThat(record.value())
                    .as("value of %s kept byte for byte", kind)
                    .isEqualTo(value);
            assertThat(record.key()).as("key of %s kept", kind).isEqualTo(key(team));
            assertThat(header(record, "kafka_dlt-original-topic")).isNotBlank();
            assertThat(java.nio.ByteBuffer.wrap(binary(record, "kafka_dlt-original-partition"))
                            .getInt())
                    .isBetween(0, 2);
            assertThat(java.nio.ByteBuffer.wrap(binary(record, "kafka_dlt-original-offset"))
                            .getLong())
                    .isNotNegative();
            assertThat(java.nio.ByteBuffer.wrap(binary(record, "kafka_dlt-original-timestamp"))
                            .getLong())
                    .isPositive();
            assertThat(header(record, "kafka_dlt-original-consumer-group")).startsWith("it-");
            assertThat(header(record, "kafka_dlt-exception-fqcn")).endsWith("FactRejectedException");
            assertThat(header(record, "kafka_dlt-exception-message")).isNotBlank();
            assertThat(header(record, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
            assertThat(Instant.parse(header(record, DeadLetterHeaders.FIRST_FAILURE)))
                    .isEqualTo(Instant.parse(header(record, DeadLetterHeaders.LAST_FAILURE)));
            assertThat(header(record, DeadLetterHeaders.HOST)).isNotBlank();
        });
        assertThat(header(byTrace.get("trace-random"), DeadLetterHeaders.CATEGORY))
                .isEqualTo("decode");
        assertThat(header(byTrace.get("trace-unknown-fingerprint"), DeadLetterHeaders.CATEGORY))
                .isEqualTo("decode");
        assertThat(header(byTrace.get("trace-unknown-fingerprint"), DeadLetterHeaders.WRITER_SCHEMA))
                .isEqualTo("fingerprint:0807060504030201");
        assertThat(header(byTrace.get("trace-invalid"), DeadLetterHeaders.CATEGORY))
                .isEqualTo("validation");
        assertThat(header(byTrace.get("trace-invalid"), "kafka_dlt-exception-message"))
                .contains("seats is negative: -3");
        assertThat(header(byTrace.get("trace-invalid"), DeadLetterHeaders.FACT_TYPE))
                .isEqualTo("SubscriptionStarted");
    }

    private static SpecificRecordBase withTeam(SpecificRecordBase fact, String team) {
        fact.put(Facts.TEAM_ID, team);
        return fact;
    }

    private static byte[] binary(ConsumerRecord<?, ?> record, String name) {
        return record.headers().lastHeader(name).value();
    }

    private static byte[] key(String team) {
        return team.getBytes(StandardCharsets.UTF_8);
    }

    private KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }
}
