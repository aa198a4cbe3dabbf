package dev.tracking.client.cli;

import static dev.tracking.testkit.fixtures.FactFixtures.ALICE;
import static dev.tracking.testkit.fixtures.FactFixtures.factId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.EmbeddedBroker;
import dev.tracking.client.KafkaTopics;
import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.facts.OnboardingCompleted;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.FactValidator;
import dev.tracking.schemas.Facts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PublishCommandIT {
    /** Alice signs up (no team yet), with the id and time left to the publisher. */
    private static final String ALICE_SIGNS_UP = """
            {"type": "UserSignedUp", "user_id": "user-alice", "email": "alice@acme.example", "method": "GITHUB"}""";
    /** Alice finishes onboarding, with a given id and time. */
    private static final String ALICE_ONBOARDED =
            """
            {"type": "OnboardingCompleted", "event_id": "%s", "occurred_at": "2026-03-02T09:03:00Z",
             "team_id": "acme", "user_id": "user-alice"}""".formatted(factId("onboarded-alice")).replace("\n", "");
    /** Acme subscribes, a team-level fact without a user. */
    private static final String ACME_SUBSCRIBES = """
            {"type": "SubscriptionStarted", "team_id": "acme", "user_id": null, "source": "billing-service",
             "plan": "business", "seats": 12}""".replace("\n", "");
    /** Alice opens the dashboard. */
    private static final String ALICE_ON_THE_DASHBOARD = """
            {"type": "DashboardViewed", "team_id": "acme", "user_id": "user-alice"}""";
    /** Acme subscribes with a negative number of seats: valid JSON, invalid fact. */
    private static final String ACME_SUBSCRIBES_NEGATIVE_SEATS = """
            {"type": "SubscriptionStarted", "team_id": "acme", "plan": "business", "seats": -4}""";

    @RegisterExtension
    static final EmbeddedBroker kafka = new EmbeddedBroker();

    private final Console console = new Console();
    private final FactDecoder decoder = SingleObjectEncoding.decoder();

    @Test
    void publishesEveryFactOfAFileToTheDefaultTopicsAndCountsThemPerTopic(@TempDir Path dir)
            throws IOException, InterruptedException {
        KafkaTopics.createDefaultTopics(kafka.broker());
        Path file = factFile(dir, ALICE_SIGNS_UP, ALICE_ONBOARDED, "", ACME_SUBSCRIBES, ALICE_ON_THE_DASHBOARD);

        int exit = publish(file, kafkaOnly());

        assertThat(console.printedErr()).isEmpty();
        assertThat(exit).isZero();
        assertThat(console.printedOut())
                .contains("published 4 fact(s) to " + kafka.bootstrapServers())
                .containsPattern("facts\\.onboarding +2")
                .containsPattern("facts\\.subscriptions +1")
                .containsPattern("facts\\.engagement +1")
                .doesNotContain("facts.integrations", "facts.profiles");
        List<SpecificRecord> facts = decodedFacts(KafkaTopics.defaultTopics(), 4);
        assertThat(facts)
                .extracting(Facts::typeName)
                .containsExactlyInAnyOrder(
                        "UserSignedUp", "OnboardingCompleted", "SubscriptionStarted", "DashboardViewed");
        assertThat(facts)
                .as("filled ids and times pass the validator")
                .allSatisfy(fact -> assertThat(FactValidator.violations(fact)).isEmpty())
                .extracting(Facts::eventId)
                .doesNotHaveDuplicates();
        assertThat(only(facts, OnboardingCompleted.class))
                .as("given event_id and occurred_at kept")
                .isEqualTo(new OnboardingCompleted(
                        factId("onboarded-alice"), Instant.parse("2026-03-02T09:03:00Z"), "acme", ALICE, null));
        SubscriptionStarted subscription = only(facts, SubscriptionStarted.class);
        assertThat(subscription)
                .isEqualTo(new SubscriptionStarted(
                        subscription.getEventId(),
                        subscription.getOccurredAt(),
                        "acme",
                        null,
                        "billing-service",
                        "business",
                        12));
    }

    @Test
    void publishingTheSameFileAgainRepeatsEveryFactWithItsDerivedIdAndTime(@TempDir Path dir, TestInfo test)
            throws IOException, InterruptedException {
        Map<FactFamily, String> topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        Path file = factFile(dir, ALICE_SIGNS_UP, ACME_SUBSCRIBES, ALICE_ON_THE_DASHBOARD, ALICE_ON_THE_DASHBOARD);
        Instant savedAt = Instant.parse("2026-03-02T10:15:30.123Z");
        Files.setLastModifiedTime(file, FileTime.from(savedAt));

        int firstRun = publish(file, kafkaAnd(topics));
        int secondRun = publish(file, kafkaAnd(topics));

        assertThat(console.printedErr()).isEmpty();
        assertThat(firstRun).isZero();
        assertThat(secondRun).isZero();
        List<String> derivedIds = List.of(
                FactFileDefaults.eventIdOf(1, ALICE_SIGNS_UP),
                FactFileDefaults.eventIdOf(2, ACME_SUBSCRIBES),
                FactFileDefaults.eventIdOf(3, ALICE_ON_THE_DASHBOARD),
                FactFileDefaults.eventIdOf(4, ALICE_ON_THE_DASHBOARD));
        List<SpecificRecord> facts = decodedFacts(List.copyOf(topics.values()), 8);
        assertThat(facts)
                .extracting(Facts::eventId)
                .as("each line's derived id, once per run")
                .containsExactlyInAnyOrderElementsOf(
                        Stream.concat(derivedIds.stream(), derivedIds.stream()).toList());
        assertThat(facts).extracting(Facts::occurredAt).containsOnly(savedAt);
        assertThat(facts.stream().distinct())
                .as("facts of the two runs, told apart")
                .hasSize(4);
    }

    @Test
    void oneBadLineAmongGoodOnesExits2NamingItAndPublishesNothing(@TempDir Path dir, TestInfo test)
            throws IOException, InterruptedException {
        Map<FactFamily, String> topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        Path file =
                factFile(dir, ALICE_SIGNS_UP, ACME_SUBSCRIBES, ACME_SUBSCRIBES_NEGATIVE_SEATS, ALICE_ON_THE_DASHBOARD);

        int exit = publish(file, kafkaAnd(topics));

        assertThat(exit).isEqualTo(2);
        assertThat(console.printedErr())
                .contains("facts.jsonl:3: seats is negative: -4")
                .contains("nothing published: 1 problem(s)")
                .doesNotContain("facts.jsonl:1", "facts.jsonl:2", "facts.jsonl:4");
        assertThat(KafkaTopics.endOffsets(kafka.bootstrapServers(), topics.values()))
                .hasSize(FactFamily.values().length * KafkaTopics.PARTITIONS)
                .allSatisfy((partition, end) ->
                        assertThat(end).as("end offset of %s", partition).isZero());
    }

    @Test
    void everyBadLineIsReportedWithItsNumberAndReason(@TempDir Path dir, TestInfo test)
            throws IOException, InterruptedException {
        Map<FactFamily, String> topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        Path file = factFile(
                dir,
                "{\"type\": \"UserLoggedIn\", \"user_id\": \"user-alice\"}",
                ALICE_SIGNS_UP,
                "{not json",
                "{\"type\": \"DashboardViewed\", \"team_id\": \" \", \"user_id\": \"user-alice\"}");

        int exit = publish(file, kafkaAnd(topics));

        assertThat(exit).isEqualTo(2);
        assertThat(console.printedErr())
                .contains("facts.jsonl:1: unknown type \"UserLoggedIn\"")
                .contains("facts.jsonl:3: not valid JSON")
                .contains("facts.jsonl:4: team_id ' ' is blank")
                .contains("nothing published: 3 problem(s)");
        assertThat(KafkaTopics.recordCount(kafka.bootstrapServers(), topics.values()))
                .isZero();
    }

    @Test
    void emptyFileExits2(@TempDir Path dir, TestInfo test) throws IOException, InterruptedException {
        Map<FactFamily, String> topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        Path file = factFile(dir, "", "   ");

        int exit = publish(file, kafkaAnd(topics));

        assertThat(exit).isEqualTo(2);
        assertThat(console.printedErr()).contains("nothing published", "holds no facts");
        assertThat(KafkaTopics.recordCount(kafka.bootstrapServers(), topics.values()))
                .isZero();
    }

    private List<SpecificRecord> decodedFacts(List<String> topics, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTopics.awaitRecords(
                kafka.bootstrapServers(), topics, expected, "published facts reached the topics");
        assertThat(records).hasSize(expected);
        return records.stream().map(r -> decoder.decode(r.topic(), r.value())).toList();
    }

    private static <T extends SpecificRecord> T only(List<SpecificRecord> facts, Class<T> type) {
        List<T> ofType = facts.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(ofType).hasSize(1);
        return ofType.get(0);
    }

    private static Path factFile(Path dir, String... lines) throws IOException {
        return Files.write(dir.resolve("facts.jsonl"), List.of(lines), StandardCharsets.UTF_8);
    }

    private int publish(Path file, Map<String, String> env) throws InterruptedException {
        return FactCli.run(new String[] {"publish", file.toString()}, env, console.out(), console.err());
    }

    private static Map<String, String> kafkaOnly() {
        return Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    }

    private static Map<String, String> kafkaAnd(Map<FactFamily, String> topics) {
        Map<String, String> env = new HashMap<>(kafkaOnly());
        topics.forEach((family, topic) -> env.put("TRACKING_TOPICS_" + family.name(), topic));
        return env;
    }

    private static String topicPrefix(TestInfo test) {
        return "publish-it." + test.getTestMethod().orElseThrow().getName();
    }
}
