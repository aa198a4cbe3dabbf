package dev.tracking.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.client.FactPublisher;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.facts.LeaderboardViewed;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
import dev.tracking.testkit.posthog.CapturedRequest;
import dev.tracking.testkit.posthog.FakePostHog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The replay tool against a real broker (embedded KRaft), the real consumer (in process) and the fake PostHog. A
 * prepared set of dead letters of every category (written by the consumer's own dead-letter writer to topics of their
 * own) serves the inspection tests; the replay tests make PostHog refuse a team's facts, let the consumer dead-letter
 * them, then replay them. Each test works on its own team (the record key) or topics, so no test depends on another.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplayIT {
    private static final String API_KEY = "phc_replay_it";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(45);

    private static EmbeddedKafkaKraftBroker kafka;
    private static FakePostHog posthog;
    private static ConsumerApp consumer;
    private static FactPublisher publisher;
    private static PreparedDeadLetters prepared;

    @BeforeAll
    static void start() {
        prepared = new PreparedDeadLetters(
                "prepared", Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6)));
        List<String> topics = new ArrayList<>();
        for (FactFamily family : FactFamily.values()) {
            topics.add(family.defaultTopic());
            topics.add(family.defaultTopic() + "-dlt");
            topics.add(prepared.topic(family));
            topics.add(prepared.topic(family) + "-dlt");
        }
        kafka = new EmbeddedKafkaKraftBroker(1, 3, topics.toArray(String[]::new));
        kafka.afterPropertiesSet();
        posthog = FakePostHog.start(API_KEY);
        prepared.write(kafka.getBrokersAsString());
        consumer = ConsumerApp.start(kafka.getBrokersAsString(), posthog, API_KEY);
        publisher = FactPublisher.builder()
                .bootstrapServers(kafka.getBrokersAsString())
                .producerProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1)
                .build();
    }

    @AfterAll
    static void stop() {
        if (publisher != null) {
            publisher.close();
        }
        if (consumer != null) {
            consumer.close();
        }
        if (posthog != null) {
            posthog.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    // --- inspecting the prepared set

    @Test
    void summaryCountsDeadLettersOfEveryCategory() throws IOException {
        Run run = prepared("summary", "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.path("records").asInt()).isEqualTo(PreparedDeadLetters.RECORDS);
        assertThat(summary.path("source_records").asInt()).isEqualTo(PreparedDeadLetters.SOURCE_RECORDS);
        assertThat(counts(summary.path("by_category")))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("decode", 1, "mapping", 1, "validation", 2, "rejected-by-posthog", 2, "oversize", 1));
        assertThat(counts(summary.path("by_source_topic")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "prepared.engagement", 2,
                        "prepared.subscriptions", 3,
                        "prepared.onboarding", 1,
                        "prepared.profiles", 1));
        assertThat(counts(summary.path("by_exception")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("IllegalStateException", 1, "FactRejectedException", 6));
        assertThat(counts(summary.path("by_fact_type")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "(none)", 1,
                        "DashboardViewed", 1,
                        "SubscriptionStarted", 3,
                        "UserSignedUp", 1,
                        "TeamProfileUpdated", 1));
        assertThat(counts(summary.path("by_posthog_status")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("(none)", 4, "400", 2, "413", 1));
        assertThat(counts(summary.path("replayed_before"))).containsExactlyInAnyOrderEntriesOf(Map.of("0", 6, "3", 1));
        assertThat(Instant.parse(summary.path("first_failure").asText())).isEqualTo(prepared.t);
        assertThat(Instant.parse(summary.path("last_failure").asText())).isEqualTo(prepared.t.plusSeconds(10800));
        assertThat(summary.path("already_replayed").asInt()).isZero();

        Run table = prepared("summary");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out())
                .contains("records", "rejected-by-posthog", "1 dead-lettered more than once", "by fact type");
    }

    @Test
    void eachFilterNarrowsWhatACommandCovers() throws IOException {
        assertThat(recordsMatching("--category", "validation")).isEqualTo(2);
        assertThat(recordsMatching("--category", "decode", "--category", "oversize"))
                .isEqualTo(2);
        assertThat(recordsMatching("--exception", "IllegalStateException")).isEqualTo(1);
        assertThat(recordsMatching("--exception", "java.lang.IllegalStateException"))
                .isEqualTo(1);
        assertThat(recordsMatching("--type", "SubscriptionStarted")).isEqualTo(3);
        assertThat(recordsMatching("--key", "team-a")).isEqualTo(2);
        assertThat(recordsMatching("--topic", "prepared.subscriptions")).isEqualTo(3);
        assertThat(recordsMatching("--topic", "prepared.profiles-dlt", "--topic", "prepared.engagement"))
                .isEqualTo(3);
        assertThat(recordsMatching("--since", prepared.t.plusSeconds(7200).toString()))
                .as("failed at T+2h or later")
                .isEqualTo(3);
        assertThat(recordsMatching("--until", prepared.t.plusSeconds(3600).toString()))
                .as("failed before T+1h")
                .isEqualTo(1);
        assertThat(recordsMatching("--since", "7h", "--until", "1h")).as("ages").isEqualTo(7);
        JsonNode first = firstShown("--topic", "prepared.subscriptions-dlt");
        String[] coordinates = first.path("dead_letter").asText().split("[-@]");
        String partition = coordinates[coordinates.length - 2];
        String offset = coordinates[coordinates.length - 1];
        assertThat(recordsMatching("--topic", "prepared.subscriptions", "--offsets", partition + ":" + offset))
                .isEqualTo(1);
        assertThat(recordsMatching("--topic", "prepared.subscriptions", "--offsets", partition + ":0-1000"))
                .isGreaterThanOrEqualTo(1);
        assertThat(recordsMatching("--key", "team-b", "--category", "validation", "--type", "SubscriptionStarted"))
                .isEqualTo(2);
    }

    @Test
    void showPrintsTheFactDecodedWithEveryHeaderAndUndecodableBytesAsBase64() throws IOException {
        JsonNode signup = firstShown("--type", "UserSignedUp");
        assertThat(signup.path("fact").path("email").asText()).isEqualTo("u1@acme.example");
        assertThat(signup.path("fact").path("method").asText()).isEqualTo("GITHUB");
        assertThat(signup.path("key").asText()).isEqualTo("user-u1");
        assertThat(signup.path("source").asText()).isEqualTo("prepared.onboarding-0@30");
        assertThat(signup.path("replay_count").asInt()).isEqualTo(3);
        assertThat(signup.path("dead_letter_headers")
                        .path("tracking_dlt-posthog-status")
                        .asText())
                .isEqualTo("400");
        assertThat(signup.path("dead_letter_headers")
                        .path("kafka_dlt-original-offset")
                        .asLong())
                .isEqualTo(30);
        assertThat(signup.path("original_headers").findValuesAsText("key")).contains("trace-id");

        JsonNode garbage = firstShown("--category", "decode");
        assertThat(garbage.has("fact")).isFalse();
        assertThat(garbage.path("value_base64").asText()).isEqualTo("EzcA/0I=");
        assertThat(garbage.path("dead_letter_headers")
                        .path("kafka_dlt-exception-stacktrace")
                        .asText())
                .as("the exception and its causes, without frames")
                .contains("Caused by: java.lang.IllegalStateException: unknown framing 0x13")
                .doesNotContain("\tat ");

        Run limited = prepared("show", "--limit", "2");
        assertThat(limited.exit()).isZero();
        assertThat(limited.err()).contains("2 of 7 matching dead letters shown (--limit 2)");
    }

    @Test
    void aDryRunPrintsWhatWouldBeSentAndSendsNothing() {
        Run run = prepared("replay", "--topic", "prepared.subscriptions");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("dry run: nothing is sent", "would replay 2 records")
                .contains("-> prepared.subscriptions-1  key team-b  SubscriptionStarted")
                .contains("dead-lettered more than once (replayed once): 1");
        assertThat(recordsIn(prepared.topic(FactFamily.SUBSCRIPTIONS)))
                .as("records sent")
                .isEmpty();
    }

    @Test
    void aRecordReplayedMaxReplaysTimesIsRefusedWithExit1() {
        Run refused = prepared("replay", "--execute", "--key", "user-u1");

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(ReplayCli.REFUSED);
        assertThat(refused.out())
                .contains("refused: 1")
                .contains("prepared.onboarding-dlt-")
                .contains("replayed 3 times already (--max-replays 3)");
        assertThat(recordsIn(prepared.topic(FactFamily.ONBOARDING))).isEmpty();

        Run allowed = prepared("replay", "--key", "user-u1", "--max-replays", "4");
        assertThat(allowed.exit()).as(allowed.toString()).isZero();
        assertThat(allowed.out()).contains("would replay 1 records", "replay 4 of at most 4");
    }

    @Test
    void aTopicMissingOnTheBrokerIsExit3NamingIt() {
        Map<String, String> env = new HashMap<>(prepared.env(kafka.getBrokersAsString()));
        env.put("TRACKING_TOPICS_PROFILES", "nowhere.profiles");

        Run run = Run.of(env, "summary", "--topic", "nowhere.profiles");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ReplayCli.UNAVAILABLE);
        assertThat(run.err())
                .contains("dead-letter topic nowhere.profiles-dlt does not exist", "prepared.engagement-dlt");
    }

    // --- replaying through the consumer into PostHog

    @Test
    void anExecutedReplayReachesPostHogOnceAndRunningItAgainAddsNothing() throws IOException {
        String team = "replay-" + UUID.randomUUID();
        Instant threeDaysAgo = Instant.now().minus(Duration.ofDays(3));
        SubscriptionStarted old =
                new SubscriptionStarted(FactFixtures.factId(team + "-old"), threeDaysAgo, team, null, null, "team", 5);
        LeaderboardViewed fresh =
                new LeaderboardViewed(FactFixtures.factId(team + "-fresh"), Instant.now(), team, "user-" + team, null);
        List<SpecificRecordBase> facts = List.of(old, fresh);
        deadLetterAtPostHog(team, facts);

        Run dryRun = Run.of(env(), "replay", "--key", team);
        assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
        assertThat(dryRun.out()).contains("would replay 2 records");
        assertThat(eventsOfTeam(team)).as("events after the dry run").isEmpty();

        Run first = Run.of(env(), "replay", "--key", team, "--execute", "--operator", "alice");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).contains("replayed 2 of 2 records");
        Set<String> expected = uuidsOf(facts);
        await("the replayed facts reached PostHog")
                .atMost(PATIENCE)
                .until(
                        () -> eventsOfTeam(team).stream()
                                .map(CapturedEvent::uuid)
                                .collect(Collectors.toSet()),
                        uuids -> uuids.containsAll(expected));

        Run second = Run.of(env(), "replay", "--key", team, "--execute", "--operator", "alice");
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).contains("replayed 0 of 0 records", "already replayed (skipped): 2");
        assertThat(replayedRecordsOf(team))
                .as("records re-published, both runs")
                .hasSize(2);
        assertThat(eventsOfTeam(team))
                .extracting(CapturedEvent::uuid)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected);

        // the old fact went in PostHog's historical lane, the fresh one in the live lane
        FactMapping.standard()
                .map(old)
                .forEach(event -> assertThat(requestOf(event.uuid()).historicalMigration())
                        .as("historical_migration of the request carrying %s", event.event())
                        .isTrue());
        FactMapping.standard()
                .map(fresh)
                .forEach(event -> assertThat(requestOf(event.uuid()).historicalMigration())
                        .as("historical_migration of the request carrying %s", event.event())
                        .isNotEqualTo(Boolean.TRUE));

        Run history = Run.of(env(), "history", "--json");
        assertThat(history.exit()).isZero();
        List<JsonNode> runs = new ArrayList<>();
        for (String line : history.out().strip().split("\n")) {
            runs.add(JSON.readTree(line));
        }
        List<JsonNode> ofThisTeam = runs.stream()
                .filter(r -> r.path("filters").asText().equals("--key " + team))
                .toList();
        assertThat(ofThisTeam).hasSize(2).allSatisfy(r -> {
            assertThat(r.path("operator").asText()).isEqualTo("alice");
            assertThat(r.path("state").asText()).isEqualTo("finished");
            assertThat(r.path("finished_at").asText()).isNotBlank();
        });
        assertThat(ofThisTeam.get(0).path("counts").path("replayed").asInt()).isEqualTo(2);
        assertThat(ofThisTeam.get(1).path("counts").path("replayed").asInt()).isZero();
        assertThat(ofThisTeam.get(1).path("counts").path("already_replayed").asInt())
                .isEqualTo(2);
        assertThat(Run.of(env(), "history").out())
                .contains(ofThisTeam.get(0).path("replay_id").asText(), "alice");
    }

    @Test
    void anInterruptedReplayFinishesOnTheSecondRun() throws Exception {
        String team = "interrupted-" + UUID.randomUUID();
        List<SpecificRecordBase> facts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            facts.add(new LeaderboardViewed(
                    FactFixtures.factId(team + "-" + i), Instant.now(), team, "user-" + team + "-" + i, null));
        }
        deadLetterAtPostHog(team, facts);

        Process process = startReplayProcess("replay", "--key", team, "--execute", "--rate", "2");
        try {
            await("the first run replayed some records")
                    .atMost(PATIENCE)
                    .until(() -> replayedRecordsOf(team).size() >= 3);
        } finally {
            process.destroyForcibly(); // SIGKILL: no chance to finish or audit
            process.waitFor(10, TimeUnit.SECONDS);
        }
        int sentBeforeTheKill = replayedRecordsOf(team).size();
        assertThat(sentBeforeTheKill).isLessThan(facts.size());

        Run second = Run.of(env(), "replay", "--key", team, "--execute");

        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).containsPattern("already replayed \\(skipped\\): ([2-9]|1[01]),");
        Set<String> expected = uuidsOf(facts);
        await("every fact reached PostHog")
                .atMost(PATIENCE)
                .until(
                        () -> eventsOfTeam(team).stream()
                                .map(CapturedEvent::uuid)
                                .collect(Collectors.toSet()),
                        uuids -> uuids.containsAll(expected));
        assertThat(eventsOfTeam(team))
                .extracting(CapturedEvent::uuid)
                .as("each event once, a record sent by both runs included")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected);
        List<String> states = new ArrayList<>();
        for (String line : Run.of(env(), "history", "--json").out().strip().split("\n")) {
            JsonNode run = JSON.readTree(line);
            if (run.path("filters").asText().equals("--key " + team)) {
                states.add(run.path("state").asText());
            }
        }
        assertThat(states).as("the killed run never finished").containsExactly("started", "finished");
    }

    @Test
    void aReplayAskedToStopFinishesItsChunkAndIsAuditedAsInterrupted() throws Exception {
        String team = "stopped-" + UUID.randomUUID();
        List<SpecificRecordBase> facts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            facts.add(new LeaderboardViewed(
                    FactFixtures.factId(team + "-" + i), Instant.now(), team, "user-" + team + "-" + i, null));
        }
        deadLetterAtPostHog(team, facts);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
        ReplayCli cli = new ReplayCli(env(), print, print, java.time.Clock.systemUTC(), false);
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(
                () -> cli.execute(new String[] {"replay", "--key", team, "--execute", "--rate", "2"}));

        await("the replay sent a record")
                .atMost(PATIENCE)
                .until(() -> !replayedRecordsOf(team).isEmpty());
        cli.requestStop(); // what Ctrl-C does

        assertThat(running).succeedsWithin(PATIENCE).isEqualTo(ReplayCli.OK);
        int sent = replayedRecordsOf(team).size();
        assertThat(sent).isBetween(1, facts.size() - 1);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        "interrupted after " + sent + " of " + facts.size() + " records",
                        "run the same command again to finish");
        List<String> states = new ArrayList<>();
        for (String line : Run.of(env(), "history", "--json").out().strip().split("\n")) {
            JsonNode run = JSON.readTree(line);
            if (run.path("filters").asText().equals("--key " + team)) {
                states.add(run.path("state").asText() + " "
                        + run.path("counts").path("replayed").asInt());
            }
        }
        assertThat(states).containsExactly("interrupted " + sent);

        Run rest = Run.of(env(), "replay", "--key", team, "--execute");
        assertThat(rest.exit()).as(rest.toString()).isZero();
        assertThat(rest.out())
                .contains(
                        "replayed " + (facts.size() - sent) + " of " + (facts.size() - sent),
                        "already replayed (skipped): " + sent + ",");
        assertThat(replayedRecordsOf(team))
                .as("each record sent once, over both runs")
                .hasSize(facts.size());
    }

    // --- helpers

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.getBrokersAsString());
        env.put("USER", "on-call");
        return env;
    }

    private static Run prepared(String... args) {
        return Run.of(prepared.env(kafka.getBrokersAsString()), args);
    }

    private static int recordsMatching(String... filters) throws IOException {
        List<String> args = new ArrayList<>(List.of("summary", "--json"));
        args.addAll(List.of(filters));
        Run run = prepared(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.toString()).isZero();
        return JSON.readTree(run.out()).path("records").asInt();
    }

    private static JsonNode firstShown(String... filters) throws IOException {
        List<String> args = new ArrayList<>(List.of("show", "--limit", "1"));
        args.addAll(List.of(filters));
        Run run = prepared(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.toString()).isZero();
        return JSON.readTree(run.out());
    }

    private static Map<String, Integer> counts(JsonNode node) {
        Map<String, Integer> counts = new HashMap<>();
        node.properties().forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    /** Publishes the facts while PostHog refuses every event of the team, and waits for all of them to be dead-lettered. */
    private static void deadLetterAtPostHog(String team, List<SpecificRecordBase> facts) {
        posthog.faults()
                .rejectEventsWhere(event -> team.equals(
                        event.path("properties").path("$groups").path("team").asText()));
        try {
            List<CompletableFuture<FactPublisher.Published>> sends = new ArrayList<>();
            facts.forEach(fact -> sends.add(publisher.publish(fact)));
            sends.forEach(CompletableFuture::join);
            await("the team's facts were dead-lettered")
                    .atMost(PATIENCE)
                    .until(() -> deadLettersOf(team).size() >= facts.size());
        } finally {
            posthog.faults().clear();
        }
    }

    private static List<CapturedEvent> eventsOfTeam(String team) {
        return posthog.events().stream()
                .filter(e ->
                        team.equals(e.properties().path("$groups").path("team").asText()))
                .toList();
    }

    private static CapturedRequest requestOf(String uuid) {
        long number = posthog.events().stream()
                .filter(e -> uuid.equals(e.uuid()))
                .findFirst()
                .orElseThrow()
                .requestNumber();
        return posthog.requests().stream()
                .filter(r -> r.number() == number)
                .findFirst()
                .orElseThrow();
    }

    private static Set<String> uuidsOf(List<SpecificRecordBase> facts) {
        Set<String> uuids = new LinkedHashSet<>();
        facts.forEach(fact -> FactMapping.standard().map(fact).forEach(event -> uuids.add(event.uuid())));
        return uuids;
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLettersOf(String team) {
        List<String> topics = new ArrayList<>();
        for (FactFamily family : FactFamily.values()) {
            topics.add(family.defaultTopic() + "-dlt");
        }
        return recordsIn(topics).stream()
                .filter(r -> r.key() != null && team.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .toList();
    }

    /** Records of the team in the fact topics that carry a replay id: what the tool re-published. */
    private static List<ConsumerRecord<byte[], byte[]>> replayedRecordsOf(String team) {
        List<String> topics = new ArrayList<>();
        for (FactFamily family : FactFamily.values()) {
            topics.add(family.defaultTopic());
        }
        return recordsIn(topics).stream()
                .filter(r -> r.key() != null && team.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .filter(r -> r.headers().lastHeader(ReplayHeaders.ID) != null)
                .toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> recordsIn(String topic) {
        return recordsIn(List.of(topic));
    }

    /** Every record in these topics now, read from the beginning to the end offsets of this moment. */
    private static List<ConsumerRecord<byte[], byte[]>> recordsIn(List<String> topics) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(topic ->
                    reader.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            await("read " + topics + " to the end")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> {
                        reader.poll(Duration.ofMillis(100)).forEach(records::add);
                        return end.entrySet().stream().allMatch(e -> reader.position(e.getKey()) >= e.getValue());
                    });
        }
        return records;
    }

    /** The command line as its own JVM (the test's class path), its output discarded. */
    private static Process startReplayProcess(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ReplayCli.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env());
        return builder.start();
    }
}
