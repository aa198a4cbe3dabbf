package dev.tracking.consumer.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The consumer with a schema registry (Apicurio): Confluent-framed facts flow; a registry outage dead-letters nothing;
 * a schema id the registry does not know yet holds its record (health {@code schemas} DOWN) until it is registered, or
 * until {@code tracking.schema-registry.unknown-schema-hold} is over and the record is dead-lettered.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfluentFramingRegistryIT extends TrackingConsumerITSupport {
    /** Long enough to register a schema after the consumer first asked for it, short enough to wait for. */
    private static final Duration UNKNOWN_SCHEMA_HOLD = Duration.ofSeconds(8);

    private static ApicurioRegistry apicurio;

    @Autowired
    SchemasHealth schemasHealth;

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
        registry.add("tracking.schema-registry.unknown-schema-hold", () -> UNKNOWN_SCHEMA_HOLD.toMillis() + "ms");
    }

    private static HttpSchemaRegistryClient registryClient() {
        return HttpSchemaRegistryClient.builder(apicurio.ccompatUrl()).build();
    }

    @Test
    void confluentFramedFactsReachPostHogBesideSingleObjectOnes() {
        String scenario = "confluent-" + UUID.randomUUID();
        List<SpecificRecordBase> facts = FactFixtures.traffic(scenario, 40);
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
        assertThat(readAllNow(deadLetterTopics()))
                .noneMatch(deadLetter -> new String(deadLetter.key(), StandardCharsets.UTF_8).startsWith(scenario));
    }

    @Test
    void aRegistryOutageHoldsNewSchemasBackAndDeadLettersNothing(CapturedOutput output) {
        // a schema id this consumer has not seen
        Schema variant = variantOfSubscriptionStarted("outage");
        String topic = topics.subscriptions();
        ConfluentEncoder encoder = ConfluentEncoding.encoder(registryClient(), SubjectNameStrategy.TOPIC_RECORD);
        String eventId = FactFixtures.factId("outage-" + UUID.randomUUID());
        byte[] value = encoder.encodeRecord(topic, subscriptionStarted(variant, eventId, "outage-team"));
        Set<String> expected = uuidsOf(List.of(
                new SubscriptionStarted(eventId, FactFixtures.MONDAY_9AM, "outage-team", null, null, "team", 4)));
        // the registry client's warning before the last attempt of a request: one per listener invocation
        String askedWhileDown =
                "unavailable for the schema with id " + ConfluentEncoding.schemaId(value) + " (attempt 2/";

        apicurio.stop();
        try {
            send(topic, value);
            await("the consumer retried the batch: two listener invocations asked the stopped registry")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> occurrences(output.getAll(), askedWhileDown) >= 2);
            assertThat(posthog.events()).noneMatch(event -> expected.contains(event.uuid()));
            assertThat(heldReferences())
                    .as("an unreachable registry is not an unknown schema")
                    .isEmpty();
        } finally {
            apicurio.restartOnSamePort();
        }

        awaitUuids("the held-back fact reached PostHog once the registry was back", expected);
        assertThat(readAllNow(deadLetterTopics())).noneMatch(deadLetter -> Arrays.equals(deadLetter.value(), value));
    }

    @Test
    void aSchemaIdStillUnknownAfterTheHoldIsDeadLetteredWithTheIdInItsHeaders() {
        String topic = topics.subscriptions();
        byte[] value = HexFormat.of().parseHex("007FFFFFF0" + "00");
        String reference = "registry-id:" + 0x7FFFFFF0;

        send(topic, value);

        await("the record is held: health schemas DOWN naming " + reference)
                .atMost(Duration.ofSeconds(60))
                .until(() -> heldReferences().contains(reference));
        Instant heldSince = Instant.parse(heldDetail(reference).get("since"));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = awaitDeadLettersOf(topic, value);
        assertThat(deadLetters).hasSize(1);
        assertThat(header(deadLetters.get(0), DeadLetterHeaders.CATEGORY)).isEqualTo("decode");
        assertThat(header(deadLetters.get(0), DeadLetterHeaders.WRITER_SCHEMA)).isEqualTo(reference);
        assertThat(Instant.parse(header(deadLetters.get(0), DeadLetterHeaders.LAST_FAILURE)))
                .as("dead-lettered once the hold was over")
                .isAfterOrEqualTo(heldSince.plus(UNKNOWN_SCHEMA_HOLD));
        assertThat(notFoundAnswers(0x7FFFFFF0))
                .as("asked the registry again while holding")
                .isGreaterThan(1);
        assertThat(heldReferences()).doesNotContain(reference);
    }

    @Test
    void aRecordWhoseSchemaIsRegisteredOnlyAfterTheConsumerFirstSawItIsDeliveredNotDeadLettered() {
        String topic = topics.subscriptions();
        HttpSchemaRegistryClient producerSide = registryClient();
        // Apicurio numbers new schemas in sequence: the next one gets the id after a throwaway registered now
        int nextId =
                producerSide.register("late-probe-" + UUID.randomUUID(), variantOfSubscriptionStarted("probe")) + 1;
        Schema late = variantOfSubscriptionStarted("late");
        String eventId = FactFixtures.factId("late-" + UUID.randomUUID());
        byte[] value = confluentValue(nextId, subscriptionStarted(late, eventId, "late-team"));
        SubscriptionStarted expected =
                new SubscriptionStarted(eventId, FactFixtures.MONDAY_9AM, "late-team", null, null, "team", 4);

        send(topic, value);

        await("the record is held: health schemas DOWN naming registry-id:" + nextId)
                .atMost(Duration.ofSeconds(60))
                .until(() -> heldReferences().contains("registry-id:" + nextId));
        await("the consumer asked for id " + nextId + " again: the record is held, not dead-lettered")
                .atMost(Duration.ofSeconds(60))
                .until(() -> notFoundAnswers(nextId) >= 2);
        int registered = producerSide.register(topic + "-" + late.getFullName(), late);
        assertThat(registered)
                .as("Apicurio gave the late schema the id after the throwaway one (nothing registered in between)")
                .isEqualTo(nextId);

        awaitUuids("the late fact reached PostHog", uuidsOf(List.of(expected)));
        assertThat(readAllNow(deadLetterTopics())).noneMatch(deadLetter -> Arrays.equals(deadLetter.value(), value));
        assertThat(heldReferences()).as("forgotten once read").doesNotContain("registry-id:" + nextId);
    }

    /** Waits until the dead-letter topic of {@code topic} holds a copy of {@code value}; every such copy. */
    private List<ConsumerRecord<byte[], byte[]>> awaitDeadLettersOf(String topic, byte[] value) {
        List<ConsumerRecord<byte[], byte[]>> copies = new ArrayList<>();
        await("dead-lettered from " + topic).atMost(Duration.ofSeconds(60)).until(() -> {
            copies.clear();
            readAllNow(List.of(topics.deadLetterTopicOf(topic))).stream()
                    .filter(deadLetter -> Arrays.equals(deadLetter.value(), value))
                    .forEach(copies::add);
            return !copies.isEmpty();
        });
        return copies;
    }

    /** The references health component schemas lists as held. */
    @SuppressWarnings("unchecked")
    private Set<String> heldReferences() {
        Object held = schemasHealth.health().getDetails().get("held");
        return held == null ? Set.of() : ((Map<String, ?>) held).keySet();
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> heldDetail(String reference) {
        return ((Map<String, Map<String, String>>)
                        schemasHealth.health().getDetails().get("held"))
                .get(reference);
    }

    /** How many times the registry answered 404 for this id. */
    private static long notFoundAnswers(int id) {
        return apicurio.requests().stream()
                .filter(request -> request.path().endsWith("/schemas/ids/" + id) && request.status() == 404)
                .count();
    }

    /** How often {@code part} occurs in {@code text}. */
    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    /**
     * SubscriptionStarted plus an optional field whose name is unique to this call: a schema the registry has not seen
     * (a unique doc is not enough: Apicurio finds a schema that differs only in docs under the same subject).
     */
    private static Schema variantOfSubscriptionStarted(String what) {
        Schema current = SubscriptionStarted.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        current.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
        fields.add(new Schema.Field(
                what + "_" + UUID.randomUUID().toString().replace("-", ""),
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "unique to one test",
                Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    private static GenericRecord subscriptionStarted(Schema schema, String eventId, String team) {
        GenericRecord fact = new GenericData.Record(schema);
        fact.put("event_id", eventId);
        fact.put("occurred_at", FactFixtures.MONDAY_9AM.toEpochMilli());
        fact.put("team_id", team);
        fact.put("plan", "team");
        fact.put("seats", 4);
        return fact;
    }

    /** The Confluent framing of {@code fact} with a schema id of our choosing. */
    private static byte[] confluentValue(int schemaId, GenericRecord fact) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ConfluentEncoding.header(schemaId));
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(fact.getSchema()).write(fact, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
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
