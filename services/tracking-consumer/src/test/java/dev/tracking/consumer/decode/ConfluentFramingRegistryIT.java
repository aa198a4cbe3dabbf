package dev.tracking.consumer.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.FactPublisher;
import dev.tracking.client.registry.HttpSchemaRegistryClient;
import dev.tracking.client.registry.SubjectNameStrategy;
import dev.tracking.client.serde.ConfluentEncoder;
import dev.tracking.client.serde.ConfluentEncoding;
import dev.tracking.consumer.TrackingConsumerITSupport;
import dev.tracking.consumer.deadletter.DeadLetterHeaders;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.registry.ApicurioRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The consumer with a schema registry (Apicurio): Confluent-framed facts flow; a registry outage dead-letters nothing. */
class ConfluentFramingRegistryIT extends TrackingConsumerITSupport {
    private static ApicurioRegistry apicurio;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    static void startRegistry() {
        apicurio = ApicurioRegistry.startOrSkip();
    }

    @AfterAll
    static void stopRegistry() {
        if (apicurio != null) {
            apicurio.close();
        }
    }

    @DynamicPropertySource
    static void registryProperties(DynamicPropertyRegistry registry) {
        registry.add("tracking.schema-registry.url", () -> apicurio.ccompatUrl().toString());
        registry.add("tracking.schema-registry.retry.initial-backoff", () -> "20ms");
        registry.add("tracking.schema-registry.retry.max-backoff", () -> "100ms");
        registry.add("tracking.schema-registry.request-timeout", () -> "2s");
    }

    private static HttpSchemaRegistryClient registryClient() {
        return HttpSchemaRegistryClient.builder(apicurio.ccompatUrl()).build();
    }

    @Test
    void confluentFramedFactsReachPostHogBesideSingleObjectOnes() {
        List<SpecificRecordBase> facts = FactFixtures.traffic("confluent-" + UUID.randomUUID(), 40);
        try (FactPublisher withRegistry = FactPublisher.builder()
                .bootstrapServers(broker.getBrokersAsString())
                .schemaRegistry(registryClient())
                .build()) {
            List<java.util.concurrent.CompletableFuture<?>> sends = new ArrayList<>();
            for (int i = 0; i < facts.size(); i++) {
                sends.add((i % 2 == 0 ? withRegistry : publisher).publish(facts.get(i)));
            }
            sends.forEach(java.util.concurrent.CompletableFuture::join);
        }

        awaitUuids("every fact reached PostHog", uuidsOf(facts));
        assertThat(readAllNow(deadLetterTopics())).isEmpty();
    }

    @Test
    void aRegistryOutageHoldsNewSchemasBackAndDeadLettersNothing() throws Exception {
        // a schema id this consumer has not seen: SubscriptionStarted with a doc unique to this run
        Schema current = SubscriptionStarted.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        current.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
        Schema variant = Schema.createRecord(
                current.getName(), "variant " + UUID.randomUUID(), current.getNamespace(), false, fields);
        String topic = topics.subscriptions();
        ConfluentEncoder encoder = ConfluentEncoding.encoder(registryClient(), SubjectNameStrategy.TOPIC_RECORD);
        String eventId = FactFixtures.factId("outage-" + UUID.randomUUID());
        GenericRecord fact = new GenericData.Record(variant);
        fact.put("event_id", eventId);
        fact.put("occurred_at", FactFixtures.MONDAY_9AM.toEpochMilli());
        fact.put("team_id", "outage-team");
        fact.put("plan", "team");
        fact.put("seats", 4);
        byte[] value = encoder.encodeRecord(topic, fact);
        SubscriptionStarted expected =
                new SubscriptionStarted(eventId, FactFixtures.MONDAY_9AM, "outage-team", null, null, "team", 4);

        apicurio.stop();
        try {
            send(topic, value);
            Thread.sleep(3000); // several retried batches while the registry is down
            assertThat(posthog.events())
                    .noneMatch(event -> uuidsOf(List.of(expected)).contains(event.uuid()));
        } finally {
            apicurio.restartOnSamePort();
        }

        awaitUuids("the held-back fact reached PostHog once the registry was back", uuidsOf(List.of(expected)));
        assertThat(readAllNow(deadLetterTopics())).isEmpty();
    }

    @Test
    void anUnknownSchemaIdIsDeadLetteredWithTheIdInItsHeaders() {
        String topic = topics.subscriptions();
        byte[] value = HexFormat.of().parseHex("007FFFFFF0" + "00");

        send(topic, value);

        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(topics.deadLetterTopicOf(topic), 1);
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).value()).isEqualTo(value);
        assertThat(header(deadLetters.get(0), DeadLetterHeaders.CATEGORY)).isEqualTo("decode");
        assertThat(header(deadLetters.get(0), DeadLetterHeaders.WRITER_SCHEMA)).isEqualTo("registry-id:" + 0x7FFFFFF0);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private void send(String topic, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "outage-team".getBytes(StandardCharsets.UTF_8), value))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
