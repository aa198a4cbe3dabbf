package dev.tracking.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.consumer.config.DeliveryProperties;
import dev.tracking.consumer.mapping.EventType;
import dev.tracking.consumer.mapping.PostHogEvent;
import dev.tracking.consumer.mapping.Tier;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link PostHogSender} with scripted collaborators and no server: a PostHog transport whose answers each test decides
 * (and can hold back until it completes them), a clock that moves only when told, and a scheduler that records every
 * requested delay and runs a task only when the test lets virtual time reach it. The {@link
 * io.github.resilience4j.retry.Retry} and {@link CircuitBreaker} are the application's own ({@link
 * DeliveryResilience}), so every wait below is asserted exactly, and nothing sleeps.
 */
@Timeout(10)
class PostHogSenderTest {
    private static final EventType DASHBOARD_VIEWED = EventType.of("dashboard_viewed", Tier.ENGAGEMENT);
    private static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant FAR_DEADLINE = START.plus(Duration.ofHours(1));
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(300);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final String INVALID_TIMESTAMP = "event submitted with invalid timestamp";
    private static final String OK = "{\"status\":\"Ok\"}";

    private final ManualClock clock = new ManualClock(START);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ScriptedPostHog posthog = new ScriptedPostHog(clock);
    private final CircuitBreaker breaker = DeliveryResilience.circuitBreaker(
            new DeliveryProperties.CircuitBreaker(50, 20, 10, Duration.ofSeconds(10)));
    private final DeliveryHealth health = new DeliveryHealth("scripted", breaker, clock);

    private double jitter = 0.0;
    private DoubleSupplier random = () -> 0.5;
    private int maxEvents = 100;
    private long maxRequestBytes = 1_000_000;
    private int maxRejectedEvents = 10;
    private int maxConcurrentRequests = 4;
    private boolean historicalMigration = false;
    private Duration historicalAfter = null;

    // --- in-place retries

    @Test
    void waitsTheInitialBackoffThenTimesTheMultiplierBetweenAttemptsAndResolvesEveryEvent() {
        posthog.answerInTurn(response(503), response(503), response(200));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(3), FAR_DEADLINE));

        assertThat(scheduler.delays()).containsExactly(Duration.ofMillis(300), Duration.ofMillis(600));
        assertThat(posthog.sentAt()).containsExactly(START, START.plusMillis(300), START.plusMillis(900));
        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.resolved()).isEqualTo(3);
        assertThat(outcome.rejected()).isEmpty();
        assertThat(outcome.acknowledgedAt()).isEqualTo(START.plusMillis(900));
    }

    @Test
    void jitterSpreadsEachWaitWithTheInjectedRandomDraw() {
        jitter = 0.5;
        random = () -> 0.0; // the shortest spread: half of each wait
        posthog.answerInTurn(response(503), response(503), response(200));

        scheduler.runUntilDone(sender().deliver(views(1), FAR_DEADLINE));

        assertThat(scheduler.delays()).containsExactly(Duration.ofMillis(150), Duration.ofMillis(300));
    }

    @Test
    void attemptsRunningOutOn503LeaveEveryEventUnresolvedForALaterRetry() {
        posthog.answer(body -> completed(response(503)));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(3), FAR_DEADLINE));

        assertThat(posthog.requests()).hasSize(4);
        assertThat(scheduler.delays())
                .containsExactly(Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofMillis(1200));
        assertThat(outcome.failure()).isInstanceOf(PostHogUnavailableException.class);
        assertThat(outcome.resolved()).isZero();
        assertThat(outcome.rejected()).isEmpty();
        assertThat(outcome.acknowledgedAt()).isNull();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aConnectionErrorIsRetriedInPlaceThenLeftForALaterRetry() {
        posthog.answer(body -> CompletableFuture.failedFuture(new ConnectException("Connection refused")));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(2), FAR_DEADLINE));

        assertThat(posthog.requests()).hasSize(4);
        assertThat(scheduler.delays())
                .containsExactly(Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofMillis(1200));
        assertThat(outcome.failure())
                .isInstanceOf(PostHogUnavailableException.class)
                .hasRootCauseInstanceOf(ConnectException.class);
        assertThat(outcome.resolved()).isZero();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    // --- Retry-After

    @Test
    void aRetryAfterWithinTheLongestInPlaceWaitIsWaitedInPlaceThenDelivered() {
        posthog.answerInTurn(rateLimited(Duration.ofSeconds(2)), response(200));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(2), FAR_DEADLINE));

        assertThat(scheduler.delays()).containsExactly(Duration.ofSeconds(2));
        assertThat(posthog.sentAt()).containsExactly(START, START.plusSeconds(2));
        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.resolved()).isEqualTo(2);
    }

    @Test
    void aRetryAfterLongerThanTheLongestInPlaceWaitEndsTheDeliveryWithThatWait() {
        posthog.answer(body -> completed(rateLimited(Duration.ofSeconds(600))));

        CompletableFuture<DeliveryOutcome> delivery = sender().deliver(views(2), FAR_DEADLINE);

        assertThat(delivery).as("ended without waiting in place").isDone();
        DeliveryOutcome outcome = delivery.join();
        assertThat(posthog.requests()).as("no second attempt").hasSize(1);
        assertThat(scheduler.delays()).isEmpty();
        assertThat(outcome.resolved()).isZero();
        assertThat(outcome.failure())
                .isInstanceOfSatisfying(
                        PostHogUnavailableException.class,
                        unavailable -> assertThat(unavailable.retryAfter()).isEqualTo(Duration.ofSeconds(600)));
    }

    @Test
    void aRetryAfterHoldsARequestOfAnotherDeliveryAlreadyQueuedForAConnection() {
        maxConcurrentRequests = 1;
        CompletableFuture<PostHogTransport.Response> firstAnswer = new CompletableFuture<>();
        posthog.answerInTurn(firstAnswer, completed(response(200)), completed(response(200)));
        PostHogSender sender = sender();
        CompletableFuture<DeliveryOutcome> teamA = sender.deliver(List.of(view(0)), FAR_DEADLINE);
        CompletableFuture<DeliveryOutcome> teamB = sender.deliver(List.of(view(1)), FAR_DEADLINE);
        assertThat(posthog.requests())
                .as("team B's request waits for the only connection")
                .hasSize(1);

        firstAnswer.complete(rateLimited(Duration.ofSeconds(2)));

        assertThat(posthog.requests()).as("nothing sent during the hold").hasSize(1);
        assertThat(scheduler.delays())
                .as("team B's request held, team A's retried, both after the Retry-After")
                .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(scheduler.runUntilDone(teamB).complete()).isTrue();
        assertThat(scheduler.runUntilDone(teamA).complete()).isTrue();
        assertThat(posthog.sent())
                .containsExactly(sent(START, 0), sent(START.plusSeconds(2), 1), sent(START.plusSeconds(2), 0));
    }

    @Test
    void aHoldBeyondTheDeadlineOfADeliveryQueuedForAConnectionEndsItAtOnceWithTheRemainingWait() {
        maxConcurrentRequests = 1;
        CompletableFuture<PostHogTransport.Response> firstAnswer = new CompletableFuture<>();
        posthog.answerInTurn(firstAnswer, completed(response(200)));
        PostHogSender sender = sender();
        CompletableFuture<DeliveryOutcome> teamA = sender.deliver(List.of(view(0)), FAR_DEADLINE);
        CompletableFuture<DeliveryOutcome> teamB = sender.deliver(List.of(view(1)), START.plusSeconds(1));
        clock.advance(Duration.ofMillis(500));

        firstAnswer.complete(rateLimited(Duration.ofSeconds(2)));

        assertThat(teamB).as("team B ended when its turn came, without waiting").isDone();
        DeliveryOutcome outcome = teamB.join();
        assertThat(outcome.resolved()).isZero();
        assertThat(outcome.failure())
                .isInstanceOfSatisfying(
                        PostHogUnavailableException.class,
                        unavailable -> assertThat(unavailable.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
        assertThat(scheduler.runUntilDone(teamA).complete()).isTrue();
        assertThat(posthog.sent()).containsExactly(sent(START, 0), sent(START.plusMillis(2500), 0));
    }

    @Test
    void aDeliveryStartedDuringAHoldWaitsOnlyWhatIsLeftOfIt() {
        posthog.answerInTurn(rateLimited(Duration.ofSeconds(600)), response(200));
        PostHogSender sender = sender();
        sender.deliver(List.of(view(0)), FAR_DEADLINE).join();
        clock.advance(Duration.ofSeconds(599));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender.deliver(List.of(view(1)), FAR_DEADLINE));

        assertThat(scheduler.delays()).containsExactly(Duration.ofSeconds(1));
        assertThat(posthog.sent()).containsExactly(sent(START, 0), sent(START.plusSeconds(600), 1));
        assertThat(outcome.complete()).isTrue();
    }

    // --- refused events: bisection and splitting

    @Test
    void a400FromPostHogIsBisectedToTheRefusedEventsAndTheOthersAreDelivered() {
        Set<Integer> invalid = Set.of(1, 6);
        posthog.answer(body -> completed(
                carriesAny(body, invalid)
                        ? new PostHogTransport.Response(400, null, INVALID_TIMESTAMP)
                        : response(200)));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(8), FAR_DEADLINE));

        assertThat(posthog.requestedEvents())
                .as("the halving sequence")
                .containsExactly(
                        List.of(0, 1, 2, 3, 4, 5, 6, 7),
                        List.of(0, 1, 2, 3),
                        List.of(0, 1),
                        List.of(0),
                        List.of(1),
                        List.of(2, 3),
                        List.of(4, 5, 6, 7),
                        List.of(4, 5),
                        List.of(6, 7),
                        List.of(6),
                        List.of(7));
        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.resolved()).isEqualTo(8);
        assertThat(outcome.rejected())
                .extracting(rejected -> indexOf(rejected.event()))
                .containsExactly(1, 6);
        assertThat(outcome.rejected()).allSatisfy(rejected -> {
            assertThat(rejected.status()).isEqualTo(400);
            assertThat(rejected.reason()).isEqualTo(INVALID_TIMESTAMP);
            assertThat(rejected.attempts()).as("8, 4, 2, then alone").isEqualTo(4);
        });
        assertThat(posthog.accepted()).containsExactly(0, 2, 3, 4, 5, 7);
        assertThat(scheduler.delays()).as("no in-place retry of a refusal").isEmpty();
    }

    @Test
    void a413IsSplitUntilTheEventPostHogRefusesAloneWhichIsRejectedWith413() {
        posthog.answer(body ->
                completed(carriesAny(body, Set.of(2)) ? new PostHogTransport.Response(413, null, "") : response(200)));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(4), FAR_DEADLINE));

        assertThat(posthog.requestedEvents())
                .containsExactly(List.of(0, 1, 2, 3), List.of(0, 1), List.of(2, 3), List.of(2), List.of(3));
        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.resolved()).isEqualTo(4);
        assertThat(outcome.rejected()).singleElement().satisfies(rejected -> {
            assertThat(indexOf(rejected.event())).isEqualTo(2);
            assertThat(rejected.status()).isEqualTo(413);
            assertThat(rejected.attempts()).isEqualTo(3);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html><body><h1>400 Bad Request</h1></body></html>", "", "  \n"})
    void a400ThatIsNotPostHogsIsAMisconfigurationAndNothingIsBisected(String body) {
        posthog.answer(request -> completed(new PostHogTransport.Response(400, null, body)));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(8), FAR_DEADLINE));

        assertThat(posthog.requests()).as("no bisection").hasSize(1);
        assertThat(outcome.failure())
                .isInstanceOfSatisfying(
                        PostHogMisconfiguredException.class,
                        misconfigured -> assertThat(misconfigured.status()).isEqualTo(400));
        assertThat(outcome.rejected()).isEmpty();
        assertThat(outcome.resolved()).isZero();
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void anEndpointRefusingMoreThanMaxRejectedEventsOneByOneIsAMisconfigurationAndNoRefusalIsReported() {
        maxRejectedEvents = 2;
        posthog.answer(body -> completed(
                body.events().stream().anyMatch(event -> indexOf(event) >= 3)
                        ? new PostHogTransport.Response(400, null, INVALID_TIMESTAMP)
                        : response(200)));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(8), FAR_DEADLINE));

        assertThat(outcome.failure()).isInstanceOf(PostHogMisconfiguredException.class);
        assertThat(outcome.rejected()).as("taken back: none is dead-lettered").isEmpty();
        assertThat(outcome.resolved())
                .as("the events before the first refused one stay delivered")
                .isEqualTo(3);
        assertThat(posthog.accepted()).containsExactly(0, 1, 2);
        assertThat(posthog.requestedEvents())
                .as("stopped at the fourth refusal out of seven answered events")
                .last()
                .isEqualTo(List.of(6));
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }

    // --- the deadline

    @Test
    void noRequestIsSentOnceTheDeadlinePassedDuringBisection() {
        Instant deadline = START.plusSeconds(10);
        posthog.answer(body -> {
            if (carriesAny(body, Set.of(3))) {
                return completed(new PostHogTransport.Response(400, null, INVALID_TIMESTAMP));
            }
            clock.advance(Duration.ofSeconds(11)); // a slow answer, past the deadline
            return completed(response(200));
        });

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(4), deadline));

        assertThat(posthog.requestedEvents()).containsExactly(List.of(0, 1, 2, 3), List.of(0, 1));
        assertThat(outcome.resolved()).as("the delivered prefix").isEqualTo(2);
        assertThat(outcome.rejected()).isEmpty();
        assertThat(outcome.failure()).isInstanceOf(PostHogUnavailableException.class);
    }

    @Test
    void noRetryIsSentAfterTheDeadline() {
        posthog.answer(body -> completed(response(503)));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(2), START.plusSeconds(1)));

        assertThat(posthog.sentAt())
                .as("the fourth attempt, due 2.1 s after the start, is past the deadline")
                .containsExactly(START, START.plusMillis(300), START.plusMillis(900));
        assertThat(outcome.resolved()).isZero();
        assertThat(outcome.failure()).isInstanceOf(PostHogUnavailableException.class);
    }

    // --- misconfiguration

    @Test
    void a401IsAMisconfigurationThatReportsDown() {
        posthog.answer(body -> completed(new PostHogTransport.Response(401, null, "invalid API key")));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(3), FAR_DEADLINE));

        assertThat(posthog.requests()).hasSize(1);
        assertThat(outcome.failure())
                .isInstanceOfSatisfying(
                        PostHogMisconfiguredException.class,
                        misconfigured -> assertThat(misconfigured.status()).isEqualTo(401));
        assertThat(outcome.resolved()).isZero();
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void anUnexpectedErrorOfTheTransportIsAMisconfigurationAndNotRetried() {
        posthog.answer(body -> CompletableFuture.failedFuture(new IllegalStateException("a bug in the transport")));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(3), FAR_DEADLINE));

        assertThat(posthog.requests()).hasSize(1);
        assertThat(scheduler.delays()).isEmpty();
        assertThat(outcome.failure())
                .isInstanceOf(PostHogMisconfiguredException.class)
                .hasMessageContaining("a bug in the transport");
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void anUnexpectedErrorThrownByTheTransportIsAMisconfigurationAndNotRetried() {
        posthog.answer(body -> {
            throw new IllegalStateException("a bug in the transport");
        });

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(views(3), FAR_DEADLINE));

        assertThat(posthog.requests()).hasSize(1);
        assertThat(scheduler.delays()).isEmpty();
        assertThat(outcome.failure())
                .isInstanceOf(PostHogMisconfiguredException.class)
                .hasMessageContaining("a bug in the transport");
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void anUnexpectedErrorThrownByTheTransportWhenAHoldEndsIsAMisconfiguration() {
        posthog.answer(body -> {
            if (posthog.requests().size() == 1) {
                return completed(rateLimited(Duration.ofSeconds(600)));
            }
            throw new IllegalStateException("a bug in the transport");
        });
        PostHogSender sender = sender();
        sender.deliver(List.of(view(0)), FAR_DEADLINE).join();

        DeliveryOutcome outcome = scheduler.runUntilDone(sender.deliver(List.of(view(1)), FAR_DEADLINE));

        assertThat(posthog.sent()).containsExactly(sent(START, 0), sent(START.plusSeconds(600), 1));
        assertThat(outcome.failure())
                .isInstanceOf(PostHogMisconfiguredException.class)
                .hasMessageContaining("a bug in the transport");
        assertThat(scheduler
                        .runUntilDone(sender.deliver(List.of(view(2)), FAR_DEADLINE))
                        .failure())
                .as("the connection slot was given back")
                .isInstanceOf(PostHogMisconfiguredException.class);
    }

    // --- cutting events into requests

    @Test
    void requestsAreCutByMaxEventsInOrder() {
        maxEvents = 3;

        assertThat(sender().requests(views(7)))
                .extracting(PostHogSenderTest::indexesOfRequest)
                .containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6));
    }

    @Test
    void requestsAreCutByMaxRequestBytesInOrder() {
        int envelope = BatchBody.envelopeSize(API_KEY, 0);
        maxRequestBytes = envelope + 3 * (200 + 1); // three events of 200 bytes, each with its comma
        List<PostHogEvent> events =
                IntStream.range(0, 7).mapToObj(i -> viewOfSize(i, 200)).toList();

        assertThat(sender().requests(events))
                .extracting(PostHogSenderTest::indexesOfRequest)
                .containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6));
    }

    @Test
    void anEventLargerThanARequestMayHoldGoesAlone() {
        maxRequestBytes = BatchBody.envelopeSize(API_KEY, 0) + 3 * (200 + 1);
        List<PostHogEvent> events = List.of(viewOfSize(0, 200), viewOfSize(1, 1000), viewOfSize(2, 200));

        assertThat(sender().requests(events))
                .extracting(PostHogSenderTest::indexesOfRequest)
                .containsExactly(List.of(0), List.of(1), List.of(2));
    }

    // --- the historical lane

    @Test
    void eventsOlderThanHistoricalAfterGoInHistoricalRequestsOfTheirOwnKeepingTheOrder() {
        historicalAfter = Duration.ofHours(24);
        Instant dayAgo = START.minus(Duration.ofHours(24));
        List<PostHogEvent> events = List.of(
                viewAt(0, START.minusSeconds(5)),
                viewAt(1, dayAgo.minusMillis(1)),
                viewAt(2, START.minus(Duration.ofDays(30))),
                viewAt(3, dayAgo), // exactly the limit: not older, live
                viewAt(4, dayAgo.minusMillis(1)));

        List<PostHogSender.Request> requests = sender().requests(events);

        assertThat(requests)
                .extracting(PostHogSenderTest::indexesOfRequest)
                .containsExactly(List.of(0), List.of(1, 2), List.of(3), List.of(4));
        assertThat(requests).extracting(PostHogSender.Request::historical).containsExactly(false, true, false, true);
    }

    @Test
    void aLaneIsCutByMaxEventsLikeAnyRequest() {
        historicalAfter = Duration.ofHours(24);
        maxEvents = 2;
        Instant old = START.minus(Duration.ofDays(3));
        List<PostHogEvent> events =
                IntStream.range(0, 5).mapToObj(i -> viewAt(i, old)).toList();

        assertThat(sender().requests(events))
                .extracting(PostHogSenderTest::indexesOfRequest)
                .containsExactly(List.of(0, 1), List.of(2, 3), List.of(4));
        assertThat(sender().requests(events)).allMatch(PostHogSender.Request::historical);
    }

    @Test
    void historicalRequestsAreFlaggedOnTheWireAndCountedInTheOutcome() {
        historicalAfter = Duration.ofHours(24);
        List<PostHogEvent> events = List.of(
                viewAt(0, START.minus(Duration.ofDays(2))),
                viewAt(1, START),
                viewAt(2, START.minus(Duration.ofDays(9))));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(events, FAR_DEADLINE));

        assertThat(posthog.requestedEvents()).containsExactly(List.of(0), List.of(1), List.of(2));
        assertThat(posthog.requests())
                .extracting(PostHogSenderTest::flaggedHistorical)
                .containsExactly(true, false, true);
        assertThat(outcome.resolved()).isEqualTo(3);
        assertThat(outcome.historical()).isEqualTo(2);
    }

    @Test
    void theHalvesOfABisectedHistoricalRequestStayHistorical() {
        historicalAfter = Duration.ofHours(24);
        Instant old = START.minus(Duration.ofDays(2));
        posthog.answer(body -> completed(
                carriesAny(body, Set.of(1))
                        ? new PostHogTransport.Response(400, null, INVALID_TIMESTAMP)
                        : response(200)));

        DeliveryOutcome outcome =
                scheduler.runUntilDone(sender().deliver(List.of(viewAt(0, old), viewAt(1, old)), FAR_DEADLINE));

        assertThat(posthog.requestedEvents()).containsExactly(List.of(0, 1), List.of(0), List.of(1));
        assertThat(posthog.requests())
                .extracting(PostHogSenderTest::flaggedHistorical)
                .containsOnly(true);
        assertThat(outcome.rejected()).extracting(r -> indexOf(r.event())).containsExactly(1);
        assertThat(outcome.historical()).as("accepted in historical requests").isEqualTo(1);
    }

    @Test
    void historicalMigrationFlagsEveryRequestWithoutCuttingByAge() {
        historicalMigration = true;
        historicalAfter = Duration.ofHours(24);
        List<PostHogEvent> events =
                List.of(viewAt(0, START), viewAt(1, START.minus(Duration.ofDays(2))), viewAt(2, START));

        DeliveryOutcome outcome = scheduler.runUntilDone(sender().deliver(events, FAR_DEADLINE));

        assertThat(posthog.requestedEvents()).containsExactly(List.of(0, 1, 2));
        assertThat(posthog.requests())
                .extracting(PostHogSenderTest::flaggedHistorical)
                .containsExactly(true);
        assertThat(outcome.historical()).isEqualTo(3);
    }

    @Test
    void withoutHistoricalAfterOldEventsGoLive() {
        List<PostHogEvent> events = List.of(viewAt(0, START.minus(Duration.ofDays(400))), viewAt(1, START));

        List<PostHogSender.Request> requests = sender().requests(events);

        assertThat(requests).singleElement().satisfies(request -> {
            assertThat(indexesOfRequest(request)).containsExactly(0, 1);
            assertThat(request.historical()).isFalse();
        });
    }

    // --- fixtures

    private static final String API_KEY = "phc_test";

    private PostHogSender sender() {
        return new PostHogSender(
                posthog,
                new PostHogSender.Limits(
                        API_KEY,
                        historicalMigration,
                        historicalAfter,
                        maxEvents,
                        maxRequestBytes,
                        0,
                        maxRejectedEvents),
                DeliveryResilience.retry(
                        new DeliveryProperties.Retry(4, INITIAL_BACKOFF, 2.0, MAX_BACKOFF, jitter), random),
                breaker,
                scheduler,
                maxConcurrentRequests,
                clock,
                health);
    }

    /** Views of a dashboard, numbered from 0. */
    private static List<PostHogEvent> views(int count) {
        return IntStream.range(0, count).mapToObj(PostHogSenderTest::view).toList();
    }

    private static PostHogEvent view(int n) {
        return viewOfSize(n, 0);
    }

    /** The view numbered {@code n}, of a fact that occurred at {@code occurredAt}. */
    private static PostHogEvent viewAt(int n, Instant occurredAt) {
        PostHogEvent view = view(n);
        return new PostHogEvent(
                view.factId(),
                view.type(),
                view.distinctId(),
                view.uuid(),
                occurredAt.toEpochMilli(),
                view.json(),
                null,
                null);
    }

    /** Whether the (uncompressed) body carries {@code "historical_migration":true}. */
    private static boolean flaggedHistorical(BatchBody body) {
        return new String(body.bytes(), StandardCharsets.UTF_8).contains("\"historical_migration\":true");
    }

    /** The view numbered {@code n}, its JSON padded to exactly {@code size} bytes (0: not padded). */
    private static PostHogEvent viewOfSize(int n, int size) {
        String uuid = "0190f3c2-7a00-7000-8000-" + String.format("%012d", n);
        String json = "{\"event\":\"dashboard_viewed\",\"distinct_id\":\"user-" + n + "\",\"uuid\":\"" + uuid
                + "\",\"properties\":{\"pad\":\"\"}}";
        if (json.length() < size) {
            json = json.replace("\"pad\":\"\"", "\"pad\":\"" + "x".repeat(size - json.length()) + "\"");
        }
        if (size > 0 && json.length() != size) {
            throw new IllegalArgumentException("a view cannot be made " + size + " bytes long: " + json);
        }
        return new PostHogEvent(
                "fact-" + n,
                DASHBOARD_VIEWED,
                "user-" + n,
                uuid,
                START.toEpochMilli(),
                json.getBytes(StandardCharsets.UTF_8),
                null,
                null);
    }

    private static int indexOf(PostHogEvent event) {
        return Integer.parseInt(event.factId().substring("fact-".length()));
    }

    private static List<Integer> indexesOf(List<PostHogEvent> events) {
        return events.stream().map(PostHogSenderTest::indexOf).toList();
    }

    private static List<Integer> indexesOfRequest(PostHogSender.Request request) {
        return indexesOf(request.events());
    }

    private static boolean carriesAny(BatchBody body, Set<Integer> events) {
        return body.events().stream().anyMatch(event -> events.contains(indexOf(event)));
    }

    private static PostHogTransport.Response response(int status) {
        return new PostHogTransport.Response(status, null, status == 200 ? OK : "transient error, please retry");
    }

    private static PostHogTransport.Response rateLimited(Duration retryAfter) {
        return new PostHogTransport.Response(429, retryAfter, "rate limited");
    }

    private static CompletableFuture<PostHogTransport.Response> completed(PostHogTransport.Response response) {
        return CompletableFuture.completedFuture(response);
    }

    private static ScriptedPostHog.Sent sent(Instant at, Integer... events) {
        return new ScriptedPostHog.Sent(at, List.of(events));
    }

    /** PostHog's {@code /batch/} as each test scripts it: every request recorded with the time it was sent. */
    private static final class ScriptedPostHog implements PostHogTransport {
        /** One request: when it was sent and the numbers of its events. */
        record Sent(Instant at, List<Integer> events) {}

        private final Clock clock;
        private final List<BatchBody> requests = new ArrayList<>();
        private final List<Sent> sent = new ArrayList<>();
        private final List<Integer> accepted = new ArrayList<>();
        private Function<BatchBody, CompletableFuture<Response>> answer = body -> completed(response(200));

        ScriptedPostHog(Clock clock) {
            this.clock = clock;
        }

        void answer(Function<BatchBody, CompletableFuture<Response>> answer) {
            this.answer = answer;
        }

        /** Answers the first requests with these, in turn, and every later one with 200. */
        void answerInTurn(Response... responses) {
            Queue<CompletableFuture<Response>> queue = new ArrayDeque<>();
            for (Response response : responses) {
                queue.add(completed(response));
            }
            answer(body -> queue.isEmpty() ? completed(response(200)) : queue.poll());
        }

        /** Answers the first requests with these futures (the test may complete them later), in turn, then 200. */
        @SafeVarargs
        final void answerInTurn(CompletableFuture<Response>... responses) {
            Queue<CompletableFuture<Response>> queue = new ArrayDeque<>(List.of(responses));
            answer(body -> queue.isEmpty() ? completed(response(200)) : queue.poll());
        }

        @Override
        public CompletableFuture<Response> send(BatchBody body) {
            requests.add(body);
            sent.add(new Sent(clock.instant(), indexesOf(body.events())));
            return answer.apply(body).thenApply(response -> {
                if (response.status() == 200) {
                    accepted.addAll(indexesOf(body.events()));
                }
                return response;
            });
        }

        List<BatchBody> requests() {
            return List.copyOf(requests);
        }

        List<Sent> sent() {
            return List.copyOf(sent);
        }

        List<Instant> sentAt() {
            return sent.stream().map(Sent::at).toList();
        }

        List<List<Integer>> requestedEvents() {
            return sent.stream().map(Sent::events).toList();
        }

        /** Numbers of the events of every request answered 200, in order. */
        List<Integer> accepted() {
            return List.copyOf(accepted);
        }

        @Override
        public String destination() {
            return "scripted";
        }
    }

    /** A clock that stands still until the test (or {@link ManualScheduler}) moves it. */
    private static final class ManualClock extends Clock {
        private Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this; // only instants are read
        }
    }

    /**
     * A scheduler on virtual time: records every requested delay, and runs a task only when {@link #runUntilDone} moves
     * the clock to the time it is due (tasks due at the same time run in the order they were scheduled).
     */
    private static final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
        private final ManualClock clock;
        private final List<Duration> delays = new ArrayList<>();
        private final PriorityQueue<Task<?>> pending = new PriorityQueue<>(
                Comparator.comparingLong((Task<?> task) -> task.due).thenComparingLong(task -> task.order));
        private long scheduled;

        ManualScheduler(ManualClock clock) {
            this.clock = clock;
        }

        /** Every delay asked for so far, in order. */
        List<Duration> delays() {
            return List.copyOf(delays);
        }

        /** Runs due tasks, moving the clock to each, until {@code delivery} completes; fails if it never would. */
        <T> T runUntilDone(CompletableFuture<T> delivery) {
            while (!delivery.isDone()) {
                Task<?> next = pending.poll();
                if (next == null) {
                    throw new AssertionError(
                            "nothing is scheduled, yet the delivery is not complete: it never will be");
                }
                if (next.due > clock.millis()) {
                    clock.set(Instant.ofEpochMilli(next.due));
                }
                next.run();
            }
            return delivery.join();
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return schedule(
                    () -> {
                        command.run();
                        return null;
                    },
                    delay,
                    unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            long millis = unit.toMillis(delay);
            delays.add(Duration.ofMillis(millis));
            Task<V> task = new Task<>(callable, clock.millis() + Math.max(0, millis), scheduled++);
            pending.add(task);
            return task;
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initial, long period, TimeUnit unit) {
            throw new UnsupportedOperationException("not used by the sender");
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initial, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("not used by the sender");
        }

        @Override
        public void execute(Runnable command) {
            schedule(command, 0, TimeUnit.MILLISECONDS);
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }

        /** A task on virtual time; like a real scheduler's, an exception it throws ends up in its future, unseen. */
        private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
            private final long due;
            private final long order;

            Task(Callable<V> command, long due, long order) {
                super(command);
                this.due = due;
                this.order = order;
            }

            @Override
            public long getDelay(TimeUnit unit) {
                return unit.convert(due - clock.millis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public int compareTo(Delayed other) {
                return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
            }
        }
    }
}
