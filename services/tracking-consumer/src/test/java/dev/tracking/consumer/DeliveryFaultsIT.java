package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.consumer.deadletter.DeadLetterHeaders;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.schemas.Facts;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
import dev.tracking.testkit.posthog.CapturedRequest;
import dev.tracking.testkit.posthog.Fault;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * PostHog misbehaving in every way its contract allows, one scenario per test: every expected event arrives, no event
 * is counted twice (a repeat is only ever an exact copy of a request our client gave up on), and only events PostHog
 * refuses end up in the dead-letter topic.
 */
class DeliveryFaultsIT extends TrackingConsumerITSupport {
    private static final FactDecoder DECODER = SingleObjectEncoding.decoder();

    @Test
    void aRunOf503sIsRetriedUntilEveryEventArrives() {
        posthog.faults().next(Fault.status(503), 6);
        List<SpecificRecordBase> facts = FactFixtures.traffic("run-of-503", 40);
        publish(facts.toArray(SpecificRecordBase[]::new));

        awaitUuids("every event arrived after the 503s", uuidsOf(facts));

        assertThat(posthog.requests()).filteredOn(r -> r.status() == 503).hasSize(6);
        assertNothingCountedTwice();
        assertThat(deadLettersOf(facts)).isEmpty();
    }

    @Test
    void aRateLimitIsRetriedNoSoonerThanRetryAfter() {
        posthog.faults().next(Fault.rateLimited(Duration.ofSeconds(1)), 1);
        // one team, so one partition and one request at a time: "the next request" is well defined
        List<SpecificRecordBase> facts = FactFixtures.traffic("rate-limited", 40).stream()
                .filter(fact -> Facts.teamId(fact).endsWith("-team-0"))
                .toList();
        publish(facts.toArray(SpecificRecordBase[]::new));

        awaitUuids("every event arrived after the 429", uuidsOf(facts));

        List<CapturedRequest> requests = posthog.requests();
        CapturedRequest limited =
                requests.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
        CapturedRequest next = requests.stream()
                .filter(r -> r.number() > limited.number())
                .findFirst()
                .orElseThrow();
        assertThat(Duration.between(limited.receivedAt(), next.receivedAt()))
                .as("wait after 429 with Retry-After: 1")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertNothingCountedTwice();
    }

    @Test
    void aResponseSlowerThanTheTimeoutIsResentAsAnExactRepeat() {
        posthog.faults().next(Fault.slowAfterProcessing(Duration.ofSeconds(3)), 1);
        List<SpecificRecordBase> facts = FactFixtures.traffic("slow", 12);
        publish(facts.toArray(SpecificRecordBase[]::new));

        awaitUuids("every event arrived", uuidsOf(facts));

        assertThat(posthog.events()).anyMatch(CapturedEvent::deliveredByAbandonedRequest);
        assertNothingCountedTwice();
        assertThat(deadLettersOf(facts)).isEmpty();
    }

    @Test
    void connectionResetsBeforeAndAfterProcessingLoseNothing() {
        posthog.faults().next(Fault.resetBeforeProcessing(), 1);
        posthog.faults().next(Fault.resetAfterProcessing(), 1);
        List<SpecificRecordBase> facts = FactFixtures.traffic("reset", 12);
        publish(facts.toArray(SpecificRecordBase[]::new));

        awaitUuids("every event arrived", uuidsOf(facts));

        assertThat(posthog.requests())
                .filteredOn(r -> r.status() == CapturedRequest.NO_RESPONSE)
                .hasSize(2);
        assertNothingCountedTwice();
        assertThat(deadLettersOf(facts)).isEmpty();
    }

    @Test
    void aRequestTooLargeIsSplitAndAnEventTooLargeAloneIsDeadLettered() {
        List<SpecificRecordBase> facts = FactFixtures.traffic("too-large", 30);
        SubscriptionStarted huge = new SubscriptionStarted(
                FactFixtures.factId("too-large-huge"),
                FactFixtures.MONDAY_9AM,
                "too-large-team-9",
                null,
                null,
                "p".repeat(6_000),
                3);
        List<SpecificRecordBase> all = new ArrayList<>(facts);
        all.add(huge);
        posthog.limits().maxBodyBytes(4_000);
        try {
            publish(all.toArray(SpecificRecordBase[]::new));

            awaitUuids("every event that fits arrived", uuidsOf(facts));
            List<ConsumerRecord<byte[], byte[]>> deadLetters = awaitDeadLetters(all, 1);

            assertThat(deadLetters).singleElement().satisfies(record -> {
                assertThat(Facts.eventId(DECODER.decode(record.topic(), record.value())))
                        .isEqualTo(Facts.eventId(huge));
                assertThat(header(record, DeadLetterHeaders.CATEGORY)).isEqualTo("oversize");
                assertThat(header(record, DeadLetterHeaders.POSTHOG_STATUS)).isEqualTo("413");
            });
            assertThat(posthog.requests()).anyMatch(r -> r.status() == 413);
            assertNothingCountedTwice();
        } finally {
            posthog.limits().reset();
        }
    }

    @Test
    void aBatchRejectedFor400IsBisectedAndOnlyTheBadEventIsDeadLettered() {
        posthog.faults()
                .rejectEventsWhere(
                        event -> event.path("properties").path("plan").asText().equals("bad"));
        List<SpecificRecordBase> facts = FactFixtures.traffic("bisect", 30);
        SubscriptionStarted bad = new SubscriptionStarted(
                FactFixtures.factId("bisect-bad"), FactFixtures.MONDAY_9AM, "bisect-team-1", null, null, "bad", 2);
        List<SpecificRecordBase> all = new ArrayList<>(facts);
        all.add(15, bad);
        publish(all.toArray(SpecificRecordBase[]::new));

        awaitUuids("every good event arrived", uuidsOf(facts));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = awaitDeadLetters(all, 1);

        assertThat(deadLetters).singleElement().satisfies(record -> {
            assertThat(Facts.eventId(DECODER.decode(record.topic(), record.value())))
                    .isEqualTo(Facts.eventId(bad));
            assertThat(header(record, DeadLetterHeaders.CATEGORY)).isEqualTo("rejected-by-posthog");
            assertThat(header(record, DeadLetterHeaders.POSTHOG_STATUS)).isEqualTo("400");
            assertThat(header(record, DeadLetterHeaders.POSTHOG_EVENT)).isEqualTo("subscription_started");
            assertThat(Integer.parseInt(header(record, DeadLetterHeaders.ATTEMPTS)))
                    .isGreaterThan(1);
            assertThat(Instant.parse(header(record, DeadLetterHeaders.FIRST_FAILURE)))
                    .as("first refusal, when the whole batch was refused, before the last")
                    .isBefore(Instant.parse(header(record, DeadLetterHeaders.LAST_FAILURE)));
            assertThat(header(record, "kafka_dlt-original-topic")).isEqualTo(topics.subscriptions());
            assertThat(header(record, "kafka_dlt-exception-fqcn")).endsWith("FactRejectedException");
        });
        // the fact's other event, the team update, was not refused and was delivered
        assertThat(posthog.eventsNamed("$groupidentify"))
                .anyMatch(
                        event -> event.properties().path("$group_key").asText().equals("bisect-team-1"));
        assertNothingCountedTwice();
    }

    @Test
    void twoPoisonEventsOneInEachHalfAreDeadLetteredAndTheRestDelivered() {
        posthog.faults()
                .rejectEventsWhere(
                        event -> event.path("properties").path("plan").asText().startsWith("poison"));
        // one team: one partition, one request of eight events, a poison event in each half
        List<SpecificRecordBase> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String plan = i == 1 || i == 6 ? "poison-" + i : "plan-" + i;
            all.add(new SubscriptionStarted(
                    FactFixtures.factId("halves-" + i),
                    FactFixtures.minutesLater(i),
                    "halves-team",
                    null,
                    null,
                    plan,
                    i + 1));
        }
        publish(all.toArray(SpecificRecordBase[]::new));
        List<SpecificRecordBase> good = List.of(all.get(0), all.get(2), all.get(3), all.get(4), all.get(5), all.get(7));

        awaitUuids("every event of the six good facts arrived", uuidsOf(good));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = awaitDeadLetters(all, 2);

        assertThat(deadLetters)
                .extracting(record -> Facts.eventId(DECODER.decode(record.topic(), record.value())))
                .containsExactlyInAnyOrder(Facts.eventId(all.get(1)), Facts.eventId(all.get(6)));
        assertThat(deadLetters)
                .allSatisfy(record ->
                        assertThat(header(record, DeadLetterHeaders.CATEGORY)).isEqualTo("rejected-by-posthog"));
        assertNothingCountedTwice();
    }

    @Test
    void aGroupUpdateRefusedByPostHogDoesNotBlockAnOlderOne() {
        posthog.faults()
                .rejectEventsWhere(event -> event.path("properties")
                        .path("$group_set")
                        .path("name")
                        .asText()
                        .equals("Refused Name"));
        TeamProfileUpdated refused = new TeamProfileUpdated(
                FactFixtures.factId("refused-update"),
                FactFixtures.minutesLater(10),
                "refusal-team",
                null,
                null,
                "Refused Name",
                5);
        publish(refused);
        awaitDeadLetters(List.of(refused), 1);

        TeamProfileUpdated older = new TeamProfileUpdated(
                FactFixtures.factId("older-update"),
                FactFixtures.minutesLater(5),
                "refusal-team",
                null,
                null,
                "Older Name",
                4);
        publish(older);

        awaitUuids("the older update arrived: the refused newer one did not make it stale", uuidsOf(List.of(older)));
        assertThat(posthog.eventsNamed("$groupidentify"))
                .filteredOn(
                        event -> event.properties().path("$group_key").asText().equals("refusal-team"))
                .singleElement()
                .satisfies(event -> assertThat(event.properties()
                                .path("$group_set")
                                .path("name")
                                .asText())
                        .isEqualTo("Older Name"));
    }

    @Test
    void aFirstViewRefusedByPostHogLeavesTheMilestoneToTheNextView() {
        DashboardViewed first = new DashboardViewed(
                FactFixtures.factId("refused-first-view"), FactFixtures.minutesLater(1), "view-team", "viewer", null);
        posthog.faults()
                .rejectEventsWhere(event -> event.path("event").asText().equals("dashboard_first_view")
                        && event.path("timestamp").asText().startsWith("2026-03-02T09:01"));
        publish(first);
        awaitDeadLetters(List.of(first), 1);

        DashboardViewed second = new DashboardViewed(
                FactFixtures.factId("second-view"), FactFixtures.minutesLater(2), "view-team", "viewer", null);
        publish(second);

        awaitUuids("the second view and its milestone arrived", uuidsOf(List.of(second)));
        assertThat(posthog.eventsNamed("dashboard_first_view"))
                .filteredOn(event -> event.distinctId().equals("viewer"))
                .singleElement()
                .satisfies(event -> assertThat(event.timestamp()).startsWith("2026-03-02T09:02"));
    }

    private void assertNothingCountedTwice() {
        assertThat(posthog.unexplainedDuplicates())
                .as("events PostHog would count twice")
                .isEmpty();
    }

    /** Dead letters of these facts only (other tests share the topics). */
    private List<ConsumerRecord<byte[], byte[]>> deadLettersOf(List<? extends SpecificRecordBase> facts) {
        Set<String> ids = facts.stream().map(Facts::eventId).collect(Collectors.toSet());
        return readAllNow(deadLetterTopics()).stream()
                .filter(record -> ids.contains(Facts.eventId(DECODER.decode(record.topic(), record.value()))))
                .toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> awaitDeadLetters(List<? extends SpecificRecordBase> facts, int count) {
        org.awaitility.Awaitility.await("dead letters of this scenario")
                .atMost(Duration.ofSeconds(30))
                .until(() -> deadLettersOf(facts).size() >= count);
        return deadLettersOf(facts);
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
