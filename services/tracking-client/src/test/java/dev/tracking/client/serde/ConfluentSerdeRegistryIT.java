package dev.tracking.client.serde;

import static dev.tracking.testkit.fixtures.FactFixtures.minutesLater;
import static dev.tracking.testkit.fixtures.FactFixtures.subscriptionCancelled;
import static dev.tracking.testkit.fixtures.FactFixtures.subscriptionStarted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tracking.client.FactPublisher;
import dev.tracking.client.KafkaTopics;
import dev.tracking.client.registry.CompatibilityLevel;
import dev.tracking.client.registry.HttpSchemaRegistryClient;
import dev.tracking.client.registry.SchemaRegistryUnavailableException;
import dev.tracking.client.registry.SubjectNameStrategy;
import dev.tracking.facts.SubscriptionCancelled;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.registry.ApicurioRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The Confluent framing against a real registry (Apicurio Registry through its Confluent-compatible API) and a real
 * broker: round trip, schema evolution both ways, no registry call in steady state, registry outages.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConfluentSerdeRegistryIT {
    private static ApicurioRegistry apicurio;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    static void startRegistryAndBroker() {
        long started = System.nanoTime();
        apicurio = ApicurioRegistry.startOrSkip();
        System.out.printf("Apicurio Registry up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        broker = new EmbeddedKafkaKraftBroker(1, KafkaTopics.PARTITIONS);
        broker.afterPropertiesSet();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.destroy();
        }
        if (apicurio != null) {
            apicurio.close();
        }
    }

    private static HttpSchemaRegistryClient registry() {
        return HttpSchemaRegistryClient.builder(apicurio.ccompatUrl()).build();
    }

    private static Map<FactFamily, String> freshTopics() {
        return KafkaTopics.createFamilyTopics(broker, "confluent-" + UUID.randomUUID());
    }

    private static FactPublisher.Builder publisherTo(Map<FactFamily, String> topics) {
        FactPublisher.Builder builder = FactPublisher.builder().bootstrapServers(broker.getBrokersAsString());
        topics.forEach(builder::topic);
        return builder;
    }

    @Test
    void factsMakeARoundTripThroughKafkaInTheConfluentFraming() {
        Map<FactFamily, String> topics = freshTopics();
        String topic = topics.get(FactFamily.SUBSCRIPTIONS);
        HttpSchemaRegistryClient registry = registry();
        SubscriptionStarted started = subscriptionStarted("business", 12, minutesLater(3));
        SubscriptionCancelled cancelled = subscriptionCancelled(minutesLater(90));
        try (FactPublisher withRegistry =
                        publisherTo(topics).schemaRegistry(registry).build();
                FactPublisher embedded = publisherTo(topics).build()) {
            withRegistry.publish(started).join();
            withRegistry.publish(cancelled).join();
            embedded.publish(started).join(); // the same topic may still hold single-object records
        }

        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTopics.awaitRecords(broker.getBrokersAsString(), List.of(topic), 3, "3 facts on " + topic);

        int startedId = registry.lookup(topic + "-dev.tracking.facts.SubscriptionStarted", started.getSchema())
                .orElseThrow()
                .id();
        List<Integer> ids = new ArrayList<>();
        List<SpecificRecord> decoded = new ArrayList<>();
        FactDecoder decoder = ConfluentEncoding.decoder(registry());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (ConfluentEncoding.matches(record.value())) {
                ids.add(ConfluentEncoding.schemaId(record.value()));
            }
            decoded.add(decoder.decode(record.topic(), record.value()));
        }
        assertThat(ids).hasSize(2).contains(startedId);
        assertThat(decoded).containsExactlyInAnyOrder(started, cancelled, started);
    }

    @Test
    void steadyStateSendsAndReadsMakeNoRegistryCall() {
        Map<FactFamily, String> topics = freshTopics();
        HttpSchemaRegistryClient publisherRegistry = registry();
        HttpSchemaRegistryClient consumerRegistry = registry();
        FactDecoder decoder = ConfluentEncoding.decoder(consumerRegistry);
        List<byte[]> values = new ArrayList<>();
        try (FactPublisher publisher =
                publisherTo(topics).schemaRegistry(publisherRegistry).build()) {
            publisher.publish(subscriptionStarted("team", 3, minutesLater(1))).join();
            publisher.publish(subscriptionCancelled(minutesLater(2))).join();
            int servedBefore = apicurio.requests().size();
            long sentBefore = publisherRegistry.requestsSent();

            List<CompletableFuture<FactPublisher.Published>> sends = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sends.add(publisher.publish(subscriptionStarted("team", i, minutesLater(3 + i))));
                sends.add(publisher.publish(subscriptionCancelled(minutesLater(3 + i))));
            }
            sends.forEach(CompletableFuture::join);

            assertThat(publisherRegistry.requestsSent()).isEqualTo(sentBefore);
            assertThat(apicurio.requests()).as("requests the registry served").hasSize(servedBefore);
        }
        String topic = topics.get(FactFamily.SUBSCRIPTIONS);
        KafkaTopics.awaitRecords(broker.getBrokersAsString(), List.of(topic), 402, "402 facts on " + topic)
                .forEach(record -> values.add(record.value()));

        values.forEach(value -> decoder.decode(topic, value));

        assertThat(consumerRegistry.requestsSent())
                .as("one schema fetch per id")
                .isEqualTo(2);
    }

    @Test
    void aFactWrittenWithAnOlderSchemaIsReadIntoTheCurrentClass() {
        String topic = "evolution-" + UUID.randomUUID();
        HttpSchemaRegistryClient registry = registry();
        String subject = topic + "-dev.tracking.facts.SubscriptionStarted";
        registry.setCompatibilityLevel(subject, CompatibilityLevel.BACKWARD);
        ConfluentEncoder encoder = ConfluentEncoding.encoder(registry, SubjectNameStrategy.TOPIC_RECORD);
        GenericRecord v1 = new GenericData.Record(ConfluentEncodingTest.withoutSource());
        v1.put("event_id", "8a3c3a57-54e5-4d6f-9f5c-5a9ad2ff3a01");
        v1.put("occurred_at", 1_772_442_000_123L);
        v1.put("team_id", "acme");
        v1.put("user_id", "user-alice");
        v1.put("plan", "team");
        v1.put("seats", 12);

        byte[] writtenByV1 = encoder.encodeRecord(topic, v1);
        byte[] writtenByV2 = encoder.encode(topic, subscriptionStarted("team", 13, minutesLater(5)));

        assertThat(registry.versions(subject))
                .as("v1 then v2, accepted as BACKWARD compatible")
                .containsExactly(1, 2);
        assertThat(ConfluentEncoding.schemaId(writtenByV1)).isNotEqualTo(ConfluentEncoding.schemaId(writtenByV2));
        SubscriptionStarted read =
                (SubscriptionStarted) ConfluentEncoding.decoder(registry()).decode(topic, writtenByV1);
        assertThat(read.getSource()).as("added field takes its default").isNull();
        assertThat(read.getEventId()).isEqualTo("8a3c3a57-54e5-4d6f-9f5c-5a9ad2ff3a01");
        assertThat(read.getUserId()).isEqualTo("user-alice");
        assertThat(read.getSeats()).isEqualTo(12);
    }

    @Test
    void aFactWrittenWithTheCurrentSchemaIsReadByAnOlderReader() {
        String topic = "evolution-" + UUID.randomUUID();
        SubscriptionStarted current = subscriptionStarted("business", 40, minutesLater(7));
        byte[] value = ConfluentEncoding.encoder(registry(), SubjectNameStrategy.TOPIC_RECORD)
                .encode(topic, current);

        GenericRecord asV1 =
                new ConfluentDecoder(registry()).decodeGeneric(value, ConfluentEncodingTest.withoutSource());

        assertThat(asV1.getSchema().getField("source"))
                .as("removed field is skipped")
                .isNull();
        assertThat(asV1.get("event_id")).hasToString(current.getEventId());
        assertThat(asV1.get("plan")).hasToString("business");
        assertThat(asV1.get("seats")).isEqualTo(40);
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnUnknownWriterSchemaWithTheIdInTheWriterSchema() {
        byte[] value = java.util.HexFormat.of().parseHex("000F12433F" + "02"); // schema id 0x0F12433F

        UnknownWriterSchemaException e = catchThrowableOfType(
                UnknownWriterSchemaException.class,
                () -> ConfluentEncoding.decoder(registry()).decode("t", value));

        assertThat(e.writerSchema()).isEqualTo("registry-id:" + 0x0F12433F);
        assertThat(e).hasMessageContaining(apicurio.ccompatUrl().toString());
    }

    @Test
    void registryDownAtStartFailsThePublishFuture() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        URI nobody = URI.create("http://127.0.0.1:" + closedPort + "/apis/ccompat/v7");
        HttpSchemaRegistryClient registry = HttpSchemaRegistryClient.builder(nobody)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(100))
                .build();

        try (FactPublisher publisher =
                publisherTo(freshTopics()).schemaRegistry(registry).build()) {
            CompletableFuture<FactPublisher.Published> sent =
                    publisher.publish(subscriptionStarted("team", 5, minutesLater(1)));

            assertThatThrownBy(() -> sent.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageContaining("schema registry " + nobody + " unavailable for SubscriptionStarted")
                    .hasMessageContaining("after 3 attempts");
        }
    }

    @Test
    void registryDownMidStreamMakesNewIdsRetryableAndDecodingResumesWhenItIsBack() {
        Map<FactFamily, String> topics = freshTopics();
        String topic = topics.get(FactFamily.SUBSCRIPTIONS);
        HttpSchemaRegistryClient consumerRegistry = HttpSchemaRegistryClient.builder(apicurio.ccompatUrl())
                .backoff(Duration.ofMillis(50), Duration.ofMillis(100))
                .build();
        FactDecoder decoder = ConfluentEncoding.decoder(consumerRegistry);
        try (FactPublisher publisher =
                publisherTo(topics).schemaRegistry(registry()).build()) {
            SubscriptionStarted before = subscriptionStarted("team", 1, minutesLater(1));
            SubscriptionCancelled written = subscriptionCancelled(minutesLater(2));
            byte[] seenBefore = ConfluentEncoding.encoder(registry(), SubjectNameStrategy.TOPIC_RECORD)
                    .encode(topic, before);
            byte[] notSeenYet = ConfluentEncoding.encoder(registry(), SubjectNameStrategy.TOPIC_RECORD)
                    .encode(topic, written);
            publisher.publish(before).join();
            assertThat(decoder.decode(topic, seenBefore)).isEqualTo(before);

            apicurio.stop();
            try {
                assertThatThrownBy(() -> decoder.decode(topic, notSeenYet))
                        .isInstanceOf(SchemaRegistryUnavailableException.class)
                        .isNotInstanceOf(UndecodableFactException.class)
                        .hasMessageContaining("the schema with id " + ConfluentEncoding.schemaId(notSeenYet));
                assertThat(decoder.decode(topic, seenBefore))
                        .as("a cached id needs no registry")
                        .isEqualTo(before);
                assertThat(publisher.publish(subscriptionStarted("team", 2, minutesLater(3))))
                        .as("a fact type sent before needs no registry")
                        .succeedsWithin(Duration.ofSeconds(30));
            } finally {
                apicurio.restartOnSamePort();
            }

            assertThat(decoder.decode(topic, notSeenYet)).isEqualTo(written);
        }
    }

    @Test
    void aPublishFailsWhileTheRegistryIsDownAndSucceedsWhenItIsBack() {
        Map<FactFamily, String> topics = freshTopics();
        HttpSchemaRegistryClient registry = HttpSchemaRegistryClient.builder(apicurio.ccompatUrl())
                .backoff(Duration.ofMillis(50), Duration.ofMillis(100))
                .build();
        try (FactPublisher publisher =
                publisherTo(topics).schemaRegistry(registry).build()) {
            apicurio.kill();
            try {
                CompletableFuture<FactPublisher.Published> duringOutage =
                        publisher.publish(subscriptionStarted("team", 9, minutesLater(1)));
                assertThat(duringOutage)
                        .failsWithin(Duration.ofSeconds(10))
                        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .withCauseInstanceOf(SchemaRegistryUnavailableException.class);
            } finally {
                apicurio.restartOnSamePort();
            }

            assertThat(publisher.publish(subscriptionStarted("team", 9, minutesLater(2))))
                    .succeedsWithin(Duration.ofSeconds(30));
        }
    }
}
