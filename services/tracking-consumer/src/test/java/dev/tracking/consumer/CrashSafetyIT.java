package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.client.FactPublisher;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.PostHogEvent;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.facts.UserSignedUp;
import dev.tracking.schemas.Facts;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
import dev.tracking.testkit.posthog.EventIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The consumer process is killed ({@code SIGKILL}, no shutdown hook, no commit) in the middle of a stream of facts with
 * milestones and group updates, and a second process of the same group finishes the work; once with the memory store,
 * once with Redis.
 *
 * <p>With either store: nothing may be missing; an event that reaches PostHog twice must be an exact repeat (same
 * uuid, timestamp and properties, which PostHog merges); and the repeats are limited to the polls in flight when the
 * process died, at most {@value #CONCURRENCY} consumer threads × {@value #MAX_POLL_RECORDS} records, because the
 * consumer commits after every poll exactly what it settled. That bound comes from the commits, not from the store.
 *
 * <p>What only the durable store provides: a fact delivered before the crash and published <em>again</em> (same
 * {@code event_id} and {@code occurred_at}, as a product service retrying a send does) never reaches PostHog again,
 * nor its milestone or group update. The memory store does not provide that: it is empty after a restart, so a
 * restarted consumer re-sends such a fact, as exact copies that PostHog merges on (event, distinct_id, uuid, day); an
 * older group update is still dropped when the restarted consumer has applied a newer one since.
 */
@Timeout(180)
class CrashSafetyIT {
    private static final String KEY = "phc_crash";
    private static final int CONCURRENCY = 2;
    private static final int MAX_POLL_RECORDS = 100;
    private static final int FACTS = 2000;
    private static final Path JAR = Path.of("target/tracking-consumer.jar");
    /** Each process's output, kept for a look after a failure. */
    private static final Path LOGS = Path.of("target/crash-safety-logs");
    /** The facts with state: a milestone, group updates of two kinds, {@code $set_once}. */
    private static final Set<Class<?>> STATEFUL_KINDS =
            Set.of(DashboardViewed.class, TeamProfileUpdated.class, SubscriptionStarted.class, UserSignedUp.class);

    @RegisterExtension
    static final StandaloneStack stack = new StandaloneStack(KEY);

    private final List<Process> processes = new ArrayList<>();
    private final List<GroupProgress> progresses = new ArrayList<>();

    /** The state store of a run, as {@code tracking.dedup.store} names it. */
    enum Store {
        MEMORY,
        REDIS;

        String property() {
            return name().toLowerCase();
        }
    }

    /** A run's facts, the PostHog events each maps to, and where each landed (topic-partition@offset). */
    record Traffic(
            List<SpecificRecordBase> facts, Map<String, List<PostHogEvent>> eventsOf, Map<String, String> landed) {
        static Traffic of(List<SpecificRecordBase> facts, List<FactPublisher.Published> published) {
            Map<String, List<PostHogEvent>> eventsOf = new HashMap<>();
            facts.forEach(fact ->
                    eventsOf.put(Facts.eventId(fact), FactMapping.standard().map(fact)));
            Map<String, String> landed = new HashMap<>();
            published.forEach(at -> landed.put(at.eventId(), at.topic() + "-" + at.partition() + "@" + at.offset()));
            return new Traffic(facts, eventsOf, landed);
        }

        /** The uuid of every event of every fact (nothing in the traffic is legitimately filtered). */
        Set<String> uuids() {
            return eventsOf.values().stream()
                    .flatMap(List::stream)
                    .map(PostHogEvent::uuid)
                    .collect(Collectors.toSet());
        }

        /** The facts whose every event is among {@code arrived}. */
        List<SpecificRecordBase> deliveredAmong(Set<String> arrived) {
            return facts.stream()
                    .filter(fact -> eventsOf.get(Facts.eventId(fact)).stream()
                            .allMatch(event -> arrived.contains(event.uuid())))
                    .toList();
        }

        /** Every event of the facts that is not among {@code arrived}, described with its fact and offset. */
        List<String> missingFrom(Set<String> arrived) {
            List<String> missing = new ArrayList<>();
            for (SpecificRecordBase fact : facts) {
                for (PostHogEvent event : eventsOf.get(Facts.eventId(fact))) {
                    if (!arrived.contains(event.uuid())) {
                        missing.add(event.event() + " " + event.uuid() + " of "
                                + fact.getSchema().getName() + " at " + landed.get(Facts.eventId(fact)) + " " + fact);
                    }
                }
            }
            return missing;
        }

        /** The fact id of each event uuid. */
        Map<String, String> factOfUuid() {
            Map<String, String> factOf = new HashMap<>();
            eventsOf.forEach((fact, events) -> events.forEach(event -> factOf.put(event.uuid(), fact)));
            return factOf;
        }
    }

    /** What a run left behind: its traffic, its group's progress, and what PostHog had when the first process died. */
    record Crash(Traffic traffic, GroupProgress progress, List<CapturedEvent> beforeTheKill) {}

    @BeforeAll
    static void packagedConsumer() throws IOException {
        Assumptions.assumeTrue(
                Files.exists(JAR), "CrashSafetyIT needs the packaged consumer (mvn verify builds " + JAR + " first)");
        Files.createDirectories(LOGS);
    }

    @BeforeEach
    void realisticRoundTrip() {
        // so that the stream is still flowing when the process is killed
        stack.posthog().faults().latency(Duration.ofMillis(25));
    }

    @AfterEach
    void killProcesses() {
        processes.forEach(Process::destroyForcibly);
        progresses.forEach(GroupProgress::close);
    }

    @Test
    void withTheMemoryStoreAKilledConsumerLosesNothingAndItsSuccessorRepeatsOnlyThePollsInFlight() throws Exception {
        Crash crash = killMidStreamAndFinish(Store.MEMORY);

        assertNothingLostAndEveryRepeatExactAndBounded(crash);

        // what the memory store does not provide: the successor never saw these facts, so it sends them again
        List<CapturedEvent> again = publishAgainWhatWasDeliveredBeforeTheKill(crash);
        Map<String, CapturedEvent> firstCopies = new HashMap<>();
        crash.beforeTheKill().forEach(event -> firstCopies.putIfAbsent(event.uuid(), event));
        assertThat(again)
                .as("events of re-published facts sent again by the restarted consumer (memory store)")
                .isNotEmpty()
                .allSatisfy(copy -> assertThat(firstCopies.get(copy.uuid()))
                        .as("the first copy of %s", copy.identity())
                        .isNotNull()
                        .extracting(CapturedEvent::rawJson)
                        .isEqualTo(copy.rawJson()));
        System.out.printf("CrashSafetyIT (memory): %d events of re-published facts sent again%n", again.size());
    }

    @Test
    void withRedisAKilledConsumerLosesNothingRepeatsOnlyThePollsInFlightAndNeverResendsWhatItDelivered()
            throws Exception {
        Crash crash = killMidStreamAndFinish(Store.REDIS);

        assertNothingLostAndEveryRepeatExactAndBounded(crash);

        assertThat(publishAgainWhatWasDeliveredBeforeTheKill(crash))
                .as("events of facts delivered before the kill, published again, that reached PostHog again")
                .isEmpty();
    }

    /**
     * Publishes the run's facts, starts a consumer, kills it once PostHog has a fifth of the events and events of every
     * stateful kind, starts a successor in the same group and waits until it has settled everything (committed every
     * partition to its end).
     */
    private Crash killMidStreamAndFinish(Store store) throws IOException, InterruptedException {
        String group = "crash-safety-" + store.property() + "-" + UUID.randomUUID();
        GroupProgress progress = GroupProgress.of(stack.kafka().getBrokersAsString(), group);
        progresses.add(progress);
        progress.startAtTheEnd(); // not the facts of the other run on this broker
        List<SpecificRecordBase> facts = FactFixtures.trafficWithState("crash-" + store.property(), FACTS);
        Traffic traffic = Traffic.of(facts, TestPublishing.publishAll(stack.publisher(), facts));
        Set<String> expected = traffic.uuids();

        Process first = startConsumer("first", store, group);
        await("the first consumer is mid-stream and delivered first views, team and subscription updates and signups")
                .atMost(Duration.ofSeconds(60))
                .until(() -> stack.posthog().eventCount() >= expected.size() / 5
                        && kinds(traffic.deliveredAmong(uuids(stack.posthog().events())))
                                .containsAll(STATEFUL_KINDS));
        first.destroyForcibly().waitFor();
        List<CapturedEvent> beforeTheKill = stack.posthog().events();
        assertThat(uuids(beforeTheKill).containsAll(expected))
                .as("every event had arrived before the kill (killed after the end, not mid-stream)")
                .isFalse();

        startConsumer("second", store, group);
        progress.awaitCaughtUp("the second consumer settled every fact", Duration.ofSeconds(90));
        System.out.printf(
                "CrashSafetyIT (%s): %d of %d events delivered before the kill, %d repeated afterwards%n",
                store.property(),
                beforeTheKill.size(),
                expected.size(),
                stack.posthog().duplicatesByIdentity().size());
        return new Crash(traffic, progress, beforeTheKill);
    }

    private static void assertNothingLostAndEveryRepeatExactAndBounded(Crash crash) {
        Set<String> expected = crash.traffic().uuids();
        Set<String> arrived = uuids(stack.posthog().events());
        assertThat(crash.traffic().missingFrom(arrived))
                .as("events of the facts that never reached PostHog")
                .isEmpty();
        assertThat(arrived.stream().filter(uuid -> !expected.contains(uuid)).toList())
                .as("events PostHog accepted that none of the facts maps to")
                .isEmpty();

        Map<EventIdentity, List<CapturedEvent>> repeats = stack.posthog().duplicatesByIdentity();
        assertThat(repeats.values())
                .as("every repeat is an exact copy of the first delivery")
                .allSatisfy(copies -> assertThat(copies)
                        .extracting(CapturedEvent::rawJson)
                        .containsOnly(copies.get(0).rawJson()));
        Map<String, String> factOfUuid = crash.traffic().factOfUuid();
        Set<String> repeatedFacts = repeats.keySet().stream()
                .map(identity -> factOfUuid.get(identity.uuid()))
                .collect(Collectors.toSet());
        assertThat(repeatedFacts.size())
                .as(
                        "facts with an event repeated after the crash (bound: %d threads x %d records in flight)",
                        CONCURRENCY, MAX_POLL_RECORDS)
                .isLessThanOrEqualTo(CONCURRENCY * MAX_POLL_RECORDS);
    }

    /**
     * Publishes again (same objects: same {@code event_id} and {@code occurred_at}) every fact whose events had all
     * reached PostHog before the first consumer was killed, among them first dashboard views, team profile updates,
     * subscription starts and signups; waits until the successor has settled them; returns the events PostHog accepted
     * meanwhile.
     */
    private static List<CapturedEvent> publishAgainWhatWasDeliveredBeforeTheKill(Crash crash) {
        List<SpecificRecordBase> again = crash.traffic().deliveredAmong(uuids(crash.beforeTheKill()));
        assertThat(kinds(again))
                .as("kinds of the facts delivered before the kill, to publish again")
                .containsAll(STATEFUL_KINDS);
        int before = stack.posthog().events().size();

        TestPublishing.publishAll(stack.publisher(), again);
        crash.progress().awaitCaughtUp("the successor settled the re-published facts", Duration.ofSeconds(30));

        List<CapturedEvent> events = stack.posthog().events();
        return List.copyOf(events.subList(before, events.size()));
    }

    private static Set<Class<?>> kinds(List<SpecificRecordBase> facts) {
        return facts.stream().map(Object::getClass).collect(Collectors.toSet());
    }

    private static Set<String> uuids(List<CapturedEvent> events) {
        return events.stream().map(CapturedEvent::uuid).collect(Collectors.toCollection(HashSet::new));
    }

    private Process startConsumer(String name, Store store, String group) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1", // starts in about two thirds of the time; throughput is not measured here
                "-jar",
                JAR.toString(),
                "--spring.kafka.bootstrap-servers=" + stack.kafka().getBrokersAsString(),
                "--spring.kafka.consumer.group-id=" + group,
                "--spring.kafka.consumer.max-poll-records=" + MAX_POLL_RECORDS,
                "--spring.kafka.listener.concurrency=" + CONCURRENCY,
                // the dead member's partitions move to the successor after this, not after the default 45 s
                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
                // small fetches from every partition, as a live stream arrives: a backlog fetched 1 MB per partition
                // is drained one partition after the other, and the kill would find only some topics started
                "--spring.kafka.consumer.properties.max.partition.fetch.bytes=4096",
                "--tracking.posthog.host=" + stack.posthog().baseUri(),
                "--tracking.posthog.api-key=" + KEY,
                "--tracking.posthog.batch-size=25",
                "--tracking.dedup.store=" + store.property(),
                "--tracking.topics.partitions=3",
                "--server.port=0"));
        if (store == Store.REDIS) {
            command.add("--tracking.dedup.redis.url=" + stack.redis().uri());
        }
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        LOGS.resolve(store.property() + "-" + name + ".log").toFile())
                .start();
        processes.add(process);
        return process;
    }
}
