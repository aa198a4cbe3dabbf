package dev.tracking.consumer.consume;

import static dev.tracking.testkit.fixtures.FactFixtures.factId;
import static dev.tracking.testkit.fixtures.FactFixtures.minutesLater;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.serde.FactEncoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.consumer.config.DedupProperties.OnUnavailable;
import dev.tracking.consumer.deadletter.DeadLetters;
import dev.tracking.consumer.decode.FactReader;
import dev.tracking.consumer.decode.UnknownSchemaHold;
import dev.tracking.consumer.decode.WriterSchemaPendingException;
import dev.tracking.consumer.dedup.InMemoryDedupStore;
import dev.tracking.consumer.dedup.StateFilter;
import dev.tracking.consumer.delivery.BatchBody;
import dev.tracking.consumer.delivery.DeliveryHealth;
import dev.tracking.consumer.delivery.PostHogMisconfiguredException;
import dev.tracking.consumer.delivery.PostHogSender;
import dev.tracking.consumer.delivery.PostHogTransport;
import dev.tracking.consumer.delivery.PostHogUnavailableException;
import dev.tracking.consumer.mapping.EventSelection;
import dev.tracking.consumer.mapping.EventType;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.FamilyMapper;
import dev.tracking.consumer.mapping.PostHogEvent;
import dev.tracking.consumer.mapping.Tier;
import dev.tracking.consumer.observe.EventVolume;
import dev.tracking.consumer.observe.FactLedger;
import dev.tracking.facts.AnalyticsTab;
import dev.tracking.facts.AnalyticsViewed;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.Facts;
import dev.tracking.testkit.fixtures.FactFixtures;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

/**
 * The pipeline with its real stages and scripted edges: a PostHog transport whose answers each test decides (and can
 * hold back), a dead-letter producer that acknowledges or fails, an in-memory dedup store and a fixed clock. No broker,
 * no Spring context: the {@link PollOutcome} is the whole result.
 */
@Timeout(30)
class FactPipelineTest {
    private static final String ENGAGEMENT = FactFamily.ENGAGEMENT.defaultTopic();
    private static final TopicPartition TEAM_A = new TopicPartition(ENGAGEMENT, 0);
    private static final TopicPartition TEAM_B = new TopicPartition(ENGAGEMENT, 1);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);
    private static final FactEncoder ENCODER = SingleObjectEncoding.encoder();

    private final ScriptedPostHog posthog = new ScriptedPostHog();
    private final Broker deadLetterBroker = new Broker();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), 10_000, CLOCK);
    private FactMapping mapping = FactMapping.standard();
    private EventSelection selection = EventSelection.all();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final FactLedger ledger = FactLedger.of(meters);
    private final PipelineMetrics metrics = new PipelineMetrics(meters, ledger, new EventVolume(CLOCK, 1_000_000));
    private UnknownSchemaHold hold = new UnknownSchemaHold(Duration.ZERO, CLOCK);

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void everyPartitionDeliveredIsCommittedPastItsLastRecord() {
        List<ConsumerRecord<byte[], byte[]>> poll =
                poll(at(TEAM_A, 0, viewBy("a", 0)), at(TEAM_A, 1, viewBy("a", 1)), at(TEAM_B, 7, viewBy("b", 7)));

        PollOutcome outcome = pipeline().process(poll, null);

        assertThat(outcome.committable()).containsExactlyInAnyOrderEntriesOf(Map.of(TEAM_A, 2L, TEAM_B, 8L));
        assertThat(outcome.retries()).isEmpty();
        assertThat(outcome.stop()).isNull();
        assertThat(posthog.eventsSent()).isEqualTo(3);
    }

    @Test
    void aPartitionPostHogDidNotTakeIsRetriedFromItsFirstRecordWhileTheOtherIsCommitted() {
        posthog.answer(body -> teamOf(body).equals("team-b") ? respond(503) : respond(200));

        PollOutcome outcome = pipeline()
                .process(
                        poll(
                                at(TEAM_A, 0, viewBy("a", 0)),
                                at(TEAM_B, 4, viewBy("b", 4)),
                                at(TEAM_B, 5, viewBy("b", 5))),
                        null);

        assertThat(outcome.committable()).containsExactlyEntriesOf(Map.of(TEAM_A, 1L));
        assertThat(outcome.retries()).containsOnlyKeys(TEAM_B);
        assertThat(outcome.retries().get(TEAM_B).offset()).isEqualTo(4);
        assertThat(outcome.retries().get(TEAM_B).reason()).isInstanceOf(PostHogUnavailableException.class);
    }

    @Test
    void smallPartitionsShareOneRequestAndEachGetsItsShareOfTheAnswer() {
        SpecificRecordBase refused = viewBy("b", 4);
        posthog.answer(
                body -> carries(body, refused) ? respond(400, "event submitted with invalid timestamp") : respond(200));

        PollOutcome outcome = pipeline(new StateFilter(store, OnUnavailable.PAUSE), 100)
                .process(
                        poll(at(TEAM_A, 0, viewBy("a", 0)), at(TEAM_B, 4, refused), at(TEAM_B, 5, viewBy("b", 5))),
                        null);

        assertThat(posthog.requests().get(0).events())
                .as("the first request carries both partitions")
                .hasSize(3);
        assertThat(outcome.committable()).containsExactlyInAnyOrderEntriesOf(Map.of(TEAM_A, 1L, TEAM_B, 6L));
        assertThat(deadLetterBroker.history())
                .singleElement()
                .satisfies(record -> assertThat(record.headers().lastHeader("kafka_dlt-original-offset"))
                        .isNotNull());
        assertThat(posthog.eventsSent()).isEqualTo(2);
    }

    @Test
    void aRetryAfterLongerThanAnInPlaceWaitIsHandedBackWithTheWait() {
        posthog.answer(body -> CompletableFuture.completedFuture(
                new PostHogTransport.Response(429, Duration.ofSeconds(600), "rate limited")));

        PollOutcome outcome = pipeline().process(poll(at(TEAM_A, 3, viewBy("a", 3))), null);

        assertThat(outcome.retries().get(TEAM_A).offset()).isEqualTo(3);
        assertThat(outcome.retries().get(TEAM_A).retryAfter()).isEqualTo(Duration.ofSeconds(600));
        assertThat(posthog.requests())
                .as("no in-place wait of ten minutes, no second attempt")
                .hasSize(1);
    }

    @Test
    void nothingIsDeadLetteredWhileAnotherPartitionsDeliveryIsStillInFlight() throws Exception {
        SpecificRecordBase refused = viewBy("a", 1);
        CompletableFuture<PostHogTransport.Response> teamBAnswer = new CompletableFuture<>();
        posthog.answer(body -> {
            if (teamOf(body).equals("team-b")) {
                return teamBAnswer;
            }
            return carries(body, refused) ? respond(400, "event submitted with invalid timestamp") : respond(200);
        });
        deadLetterBroker.failWrites();

        Future<PollOutcome> processing = Executors.newSingleThreadExecutor()
                .submit(() -> pipeline()
                        .process(
                                poll(
                                        at(TEAM_A, 0, viewBy("a", 0)),
                                        at(TEAM_A, 1, refused),
                                        at(TEAM_B, 9, viewBy("b", 9))),
                                null));
        awaitRequests(team -> team.equals("team-b"), 1);
        awaitRequests(team -> team.equals("team-a"), 3); // the request of two events, then each half alone

        assertThat(deadLetterBroker.writes())
                .as("dead-letter writes while team B's request is in flight")
                .isZero();
        assertThat(processing.isDone()).isFalse();

        teamBAnswer.complete(new PostHogTransport.Response(200, null, "{\"status\":\"Ok\"}"));
        PollOutcome outcome = processing.get(10, TimeUnit.SECONDS);

        assertThat(deadLetterBroker.writes()).isEqualTo(1);
        assertThat(outcome.committable())
                .as("team A up to the fact whose dead-letter write failed; team B whole")
                .containsExactlyInAnyOrderEntriesOf(Map.of(TEAM_A, 1L, TEAM_B, 10L));
        assertThat(outcome.retries().get(TEAM_A).offset()).isEqualTo(1);
        assertThat(outcome.retries().get(TEAM_A).reason()).isInstanceOf(org.springframework.kafka.KafkaException.class);
    }

    @Test
    void anUnexpectedErrorInMappingDeadLettersThatFactAndDeliversTheRest() {
        SpecificRecordBase odd = viewBy("a", 1);
        mapping = mappingThatFailsFor(odd, new IllegalStateException("a bug in a mapper"));

        PollOutcome outcome = pipeline()
                .process(poll(at(TEAM_A, 0, viewBy("a", 0)), at(TEAM_A, 1, odd), at(TEAM_A, 2, viewBy("a", 2))), null);

        assertThat(outcome.committable()).containsExactlyEntriesOf(Map.of(TEAM_A, 3L));
        assertThat(deadLetterBroker.history()).singleElement().satisfies(record -> {
            assertThat(header(record, "tracking_dlt-category")).isEqualTo("mapping");
            assertThat(header(record, "kafka_dlt-exception-stacktrace"))
                    .contains("IllegalStateException: a bug in a mapper");
        });
        assertThat(posthog.eventsSent()).isEqualTo(2);
    }

    @Test
    void aRecordWhoseWriterSchemaIsUnknownHoldsItsPartitionThereAndTheRecordsBeforeItAreCommitted() {
        hold = new UnknownSchemaHold(Duration.ofMinutes(10), CLOCK);
        byte[] unknownFingerprint = ENCODER.encode(ENGAGEMENT, viewBy("a", 1));
        unknownFingerprint[2] ^= 0x5A; // a well-formed header naming a schema nobody has

        PollOutcome outcome = pipeline()
                .process(
                        List.of(
                                record(TEAM_A, 0, ENCODER.encode(ENGAGEMENT, viewBy("a", 0))),
                                record(TEAM_A, 1, unknownFingerprint),
                                record(TEAM_A, 2, ENCODER.encode(ENGAGEMENT, viewBy("a", 2))),
                                record(TEAM_B, 0, ENCODER.encode(ENGAGEMENT, viewBy("b", 0)))),
                        null);

        assertThat(outcome.committable()).containsExactlyInAnyOrderEntriesOf(Map.of(TEAM_A, 1L, TEAM_B, 1L));
        assertThat(outcome.retries().get(TEAM_A).offset()).isEqualTo(1);
        assertThat(outcome.retries().get(TEAM_A).reason()).isInstanceOf(WriterSchemaPendingException.class);
        assertThat(deadLetterBroker.history()).isEmpty();
        assertThat(posthog.eventsSent()).as("team A's first view and team B's").isEqualTo(2);
    }

    @Test
    void aProxyAnswering400StopsWithoutDeadLetteringOrCommittingThatPartition() {
        posthog.answer(body -> respond(400, "<html><body><h1>400 Bad Request</h1></body></html>"));

        PollOutcome outcome =
                pipeline().process(poll(at(TEAM_A, 0, viewBy("a", 0)), at(TEAM_A, 1, viewBy("a", 1))), null);

        assertThat(outcome.stop()).isInstanceOf(PostHogMisconfiguredException.class);
        assertThat(outcome.committable()).isEmpty();
        assertThat(deadLetterBroker.history()).isEmpty();
        assertThat(posthog.requests()).as("no bisection of a proxy's answer").hasSize(1);
    }

    @Test
    void aFactDeliveredBeforeIsSkippedAndItsOffsetCommitted() {
        SpecificRecordBase view = viewBy("a", 0);
        pipeline().process(poll(at(TEAM_A, 0, view)), null);

        PollOutcome again = pipeline().process(poll(at(TEAM_A, 5, view)), null);

        assertThat(again.committable()).containsExactlyEntriesOf(Map.of(TEAM_A, 6L));
        assertThat(posthog.requests()).hasSize(1);
    }

    @Test
    void anUnreachableDedupStoreInPauseModeRetriesEveryPartitionFromItsFirstRecord() {
        PollOutcome outcome = pipeline(new StateFilter(new UnreachableStore(), OnUnavailable.PAUSE))
                .process(poll(at(TEAM_A, 3, viewBy("a", 3)), at(TEAM_B, 8, viewBy("b", 8))), null);

        assertThat(outcome.committable()).isEmpty();
        assertThat(outcome.retries()).containsOnlyKeys(TEAM_A, TEAM_B);
        assertThat(outcome.retries().get(TEAM_A).offset()).isEqualTo(3);
        assertThat(outcome.retries().get(TEAM_B).offset()).isEqualTo(8);
        assertThat(posthog.requests()).isEmpty();
    }

    @Test
    void eventsOfASwitchedOffTierAreNotSentYetTheirFactsAreCommittedRememberedAndCounted() {
        selection = EventSelection.of(List.of(Tier.CORE_FUNNEL), List.of(), mapping.eventTypes());
        SpecificRecordBase analytics = viewBy("a", 0);
        SpecificRecordBase dashboard =
                new DashboardViewed(factId("dashboard-b"), minutesLater(1), "team-b", "user-b", null);

        PollOutcome outcome = pipeline().process(poll(at(TEAM_A, 0, analytics), at(TEAM_B, 3, dashboard)), null);

        assertThat(outcome.committable()).containsExactlyInAnyOrderEntriesOf(Map.of(TEAM_A, 1L, TEAM_B, 4L));
        assertThat(posthog.requests())
                .flatExtracting(BatchBody::events)
                .extracting(PostHogEvent::event)
                .as("only the tier-1 milestone of the dashboard view")
                .containsExactly("dashboard_first_view");
        assertThat(suppressedCount("analytics_viewed", "2")).isEqualTo(1);
        assertThat(suppressedCount("dashboard_viewed", "2")).isEqualTo(1);
        assertThat(suppressedCount("leaderboard_viewed", "2"))
                .as("registered up front")
                .isZero();
        assertThat(meters.find("tracking.events.suppressed").tag("tier", "1").counters())
                .as("no tier-1 event is suppressed")
                .isEmpty();

        PollOutcome again = pipeline().process(poll(at(TEAM_A, 7, analytics)), null);

        assertThat(again.committable()).containsExactlyEntriesOf(Map.of(TEAM_A, 8L));
        assertThat(suppressedCount("analytics_viewed", "2"))
                .as("the fact was remembered: its copy is a duplicate, not suppressed again")
                .isEqualTo(1);
    }

    @Test
    void anEventDisabledByNameIsNotSentWhileTheGroupUpdateOfItsFactIs() {
        selection = EventSelection.of(EnumSet.allOf(Tier.class), List.of("github_connected"), mapping.eventTypes());
        TopicPartition integrations = new TopicPartition(FactFamily.INTEGRATIONS.defaultTopic(), 0);

        PollOutcome outcome = pipeline().process(poll(at(integrations, 0, FactFixtures.githubConnected())), null);

        assertThat(outcome.committable()).containsExactlyEntriesOf(Map.of(integrations, 1L));
        assertThat(posthog.requests())
                .flatExtracting(BatchBody::events)
                .extracting(PostHogEvent::event)
                .containsExactly("$groupidentify");
        assertThat(suppressedCount("github_connected", "1")).isEqualTo(1);
    }

    @Test
    void aPartitionReadAgainAfterAnOutageCountsItsRecordsOnceAndOneLatencySamplePerPartitionBatch() {
        AtomicInteger teamBFailures = new AtomicInteger(1);
        posthog.answer(body ->
                teamOf(body).equals("team-b") && teamBFailures.getAndDecrement() > 0 ? respond(503) : respond(200));
        List<ConsumerRecord<byte[], byte[]>> first =
                poll(at(TEAM_A, 0, viewBy("a", 0)), at(TEAM_B, 4, viewBy("b", 4)), at(TEAM_B, 5, viewBy("b", 5)));

        pipeline().process(first, null);

        assertThat(reconciliation("AnalyticsViewed"))
                .as("after the first poll: team B's two facts in flight")
                .isEqualTo(new FactLedger.Reconciliation(3, 1, 0, 0, 0, 0, 2, 0));

        PollOutcome retried =
                pipeline().process(poll(at(TEAM_B, 4, viewBy("b", 4)), at(TEAM_B, 5, viewBy("b", 5))), null);

        assertThat(retried.committable()).containsExactlyEntriesOf(Map.of(TEAM_B, 6L));
        assertThat(reconciliation("AnalyticsViewed"))
                .as("team B read twice, counted once")
                .isEqualTo(new FactLedger.Reconciliation(3, 3, 0, 0, 0, 0, 0, 0));
        assertThat(meters.get("tracking.events.delivered")
                        .tag("event", "analytics_viewed")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(meters.get("tracking.delivery.latency").timer().count())
                .as("one sample per partition batch delivered: team A's, then team B's")
                .isEqualTo(2);
        assertThat(meters.get("tracking.batch.size").summary().totalAmount())
                .as("records polled, re-reads included")
                .isEqualTo(5);
    }

    @Test
    void aFactWhoseEventsWereAllDroppedIsCountedAsDroppedSoTheColumnsAddUp() {
        TopicPartition profiles = new TopicPartition(FactFamily.PROFILES.defaultTopic(), 0);
        pipeline().process(poll(at(profiles, 0, FactFixtures.teamRenamed("Acme Labs", minutesLater(10)))), null);

        PollOutcome late =
                pipeline().process(poll(at(profiles, 1, FactFixtures.teamRenamed("Acme", minutesLater(5)))), null);

        assertThat(late.committable()).containsExactlyEntriesOf(Map.of(profiles, 2L));
        assertThat(posthog.requests()).as("the late update is not sent").hasSize(1);
        assertThat(reconciliation("TeamProfileUpdated"))
                .isEqualTo(new FactLedger.Reconciliation(2, 1, 0, 0, 1, 0, 0, 0));
        assertThat(meters.get("tracking.events.dropped")
                        .tag("reason", "stale-group-property")
                        .tag("fact_type", "TeamProfileUpdated")
                        .counter()
                        .count())
                .as("name and member_count")
                .isEqualTo(2);
    }

    @Test
    void eachPollLogsOneInfoLineWithItsCountsAndNoRecordAtInfo() {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        root.addAppender(lines);
        try {
            mapping = mappingThatFailsFor(viewBy("a", 1), new IllegalStateException("a bug in a mapper"));
            SpecificRecordBase view = viewBy("a", 0);
            pipeline().process(poll(at(TEAM_A, 0, view)), null);

            pipeline()
                    .process(
                            poll(at(TEAM_A, 1, view), at(TEAM_A, 2, viewBy("a", 1)), at(TEAM_B, 0, viewBy("b", 0))),
                            null);
        } finally {
            root.detachAppender(lines);
        }

        assertThat(lines.list)
                .filteredOn(line -> line.getLevel() == ch.qos.logback.classic.Level.INFO)
                .extracting(line -> line.getFormattedMessage().replaceAll(" in \\d+ ms:", ":"))
                .containsExactly(
                        "poll of 1 records from 1 partitions: delivered 1 facts (1 events), duplicates 0,"
                                + " suppressed 0, dropped 0, dead-lettered 0; 0 partitions to retry",
                        "poll of 3 records from 2 partitions: delivered 1 facts (1 events), duplicates 1,"
                                + " suppressed 0, dropped 0, dead-lettered 1 {mapping=1}; 0 partitions to retry");
    }

    private FactLedger.Reconciliation reconciliation(String factType) {
        return ledger.reconciliation().get(factType);
    }

    private double suppressedCount(String event, String tier) {
        return meters.get("tracking.events.suppressed")
                .tag("event", event)
                .tag("tier", tier)
                .counter()
                .count();
    }

    private FactPipeline pipeline() {
        return pipeline(new StateFilter(store, OnUnavailable.PAUSE));
    }

    private FactPipeline pipeline(StateFilter state) {
        return pipeline(state, 2); // every partition of these tests has half a request or more: each goes alone
    }

    private FactPipeline pipeline(StateFilter state, int eventsPerRequest) {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("posthog");
        Retry once = Retry.of("posthog", RetryConfig.custom().maxAttempts(1).build());
        PostHogSender sender = new PostHogSender(
                posthog,
                new PostHogSender.Limits("phc_test", false, null, eventsPerRequest, 1_000_000, 0, 10),
                once,
                breaker,
                scheduler,
                4,
                CLOCK,
                new DeliveryHealth("scripted", breaker, CLOCK));
        DeadLetters deadLetters = new DeadLetters(
                new KafkaTemplate<>(new MockProducerFactory<>(() -> deadLetterBroker)), topic -> topic + "-dlt");
        return new FactPipeline(
                new FactReader(SingleObjectEncoding.decoder(), hold, CLOCK),
                state,
                mapping,
                selection,
                sender,
                deadLetters,
                metrics,
                CLOCK,
                1_000_000,
                Duration.ofSeconds(10));
    }

    /** A view by a user of {@code team-<team>}, fact id and minute from {@code n}. */
    private static SpecificRecordBase viewBy(String team, int n) {
        return new AnalyticsViewed(
                factId("view-" + team + "-" + n),
                minutesLater(n),
                "team-" + team,
                "user-" + team,
                null,
                AnalyticsTab.AI,
                "7d");
    }

    private record Placed(TopicPartition partition, long offset, SpecificRecord fact) {}

    private static Placed at(TopicPartition partition, long offset, SpecificRecord fact) {
        return new Placed(partition, offset, fact);
    }

    private static List<ConsumerRecord<byte[], byte[]>> poll(Placed... placed) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Placed p : placed) {
            records.add(record(
                    p.partition(), p.offset(), ENCODER.encode(p.partition().topic(), p.fact())));
        }
        return records;
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, byte[] value) {
        return new ConsumerRecord<>(
                partition.topic(), partition.partition(), offset, "key".getBytes(StandardCharsets.UTF_8), value);
    }

    private static String teamOf(BatchBody body) {
        String json = body.events().get(0).jsonText();
        int at = json.indexOf("\"team\":\"") + 8;
        return json.substring(at, json.indexOf('"', at));
    }

    private static boolean carries(BatchBody body, SpecificRecord fact) {
        return body.events().stream().anyMatch(event -> event.factId().equals(Facts.eventId(fact)));
    }

    private static CompletableFuture<PostHogTransport.Response> respond(int status) {
        return respond(status, status == 200 ? "{\"status\":\"Ok\"}" : "transient error, please retry");
    }

    private static CompletableFuture<PostHogTransport.Response> respond(int status, String body) {
        return CompletableFuture.completedFuture(new PostHogTransport.Response(status, null, body));
    }

    private void awaitRequests(java.util.function.Predicate<String> team, int count) {
        org.awaitility.Awaitility.await("requests of a team reached the scripted PostHog")
                .atMost(Duration.ofSeconds(10))
                .until(() -> posthog.requests().stream()
                                .filter(body -> team.test(teamOf(body)))
                                .count()
                        >= count);
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** The standard mapping, except that mapping {@code fact} throws {@code error}. */
    private static FactMapping mappingThatFailsFor(SpecificRecord fact, RuntimeException error) {
        FactMapping standard = FactMapping.standard();
        List<FamilyMapper> mappers = new ArrayList<>();
        for (FactFamily family : FactFamily.values()) {
            mappers.add(new FamilyMapper() {
                @Override
                public FactFamily family() {
                    return family;
                }

                @Override
                public Map<Class<? extends SpecificRecord>, List<EventType>> events() {
                    Map<Class<? extends SpecificRecord>, List<EventType>> events = new java.util.HashMap<>();
                    family.types().forEach(type -> events.put(type, standard.eventTypesOf(type)));
                    return events;
                }

                @Override
                public void map(SpecificRecord mapped, List<PostHogEvent> out) {
                    if (Facts.eventId(mapped).equals(Facts.eventId(fact))) {
                        throw error;
                    }
                    out.addAll(standard.map(mapped));
                }
            });
        }
        return new FactMapping(mappers);
    }

    /** PostHog's {@code /batch/} as each test scripts it: every request recorded, answered by a function. */
    private static final class ScriptedPostHog implements PostHogTransport {
        private final List<BatchBody> requests = new CopyOnWriteArrayList<>();
        private final AtomicInteger accepted = new AtomicInteger();
        private volatile Function<BatchBody, CompletableFuture<Response>> answer = body -> respond(200);

        void answer(Function<BatchBody, CompletableFuture<Response>> answer) {
            this.answer = answer;
        }

        @Override
        public CompletableFuture<Response> send(BatchBody body) {
            requests.add(body);
            return answer.apply(body).thenApply(response -> {
                if (response.status() == 200) {
                    accepted.addAndGet(body.events().size());
                }
                return response;
            });
        }

        List<BatchBody> requests() {
            return List.copyOf(requests);
        }

        int eventsSent() {
            return accepted.get();
        }

        @Override
        public String destination() {
            return "scripted";
        }
    }

    /** The dead-letter topic's broker: acknowledges at once, or refuses every write. */
    private static final class Broker extends MockProducer<byte[], byte[]> {
        private final AtomicInteger writes = new AtomicInteger();
        private volatile boolean failing;

        Broker() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        void failWrites() {
            failing = true;
        }

        int writes() {
            return writes.get();
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            writes.incrementAndGet();
            if (failing) {
                throw new KafkaException("the dead-letter topic's leader is not available");
            }
            return super.send(record, callback);
        }

        @Override
        public void close(Duration timeout) {} // KafkaTemplate closes its producer after each send
    }

    /** A dedup store whose server cannot be reached. */
    private static final class UnreachableStore implements dev.tracking.consumer.dedup.DedupStore {
        @Override
        public java.util.Set<FactKey> delivered(java.util.Collection<FactKey> facts) {
            throw unreachable();
        }

        @Override
        public void markDelivered(java.util.Collection<FactKey> facts) {
            throw unreachable();
        }

        @Override
        public Map<String, String> claim(Map<String, String> claims) {
            throw unreachable();
        }

        @Override
        public void release(Map<String, String> claims) {
            throw unreachable();
        }

        @Override
        public Map<String, Long> advance(Map<String, Long> clocks) {
            throw unreachable();
        }

        @Override
        public Map<String, Long> clocks(java.util.Collection<String> keys) {
            throw unreachable();
        }

        @Override
        public String description() {
            return "unreachable";
        }

        private static dev.tracking.consumer.dedup.DedupStoreUnavailableException unreachable() {
            return new dev.tracking.consumer.dedup.DedupStoreUnavailableException("connection refused", null);
        }
    }
}
