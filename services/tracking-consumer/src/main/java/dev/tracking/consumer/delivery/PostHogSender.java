package dev.tracking.consumer.delivery;

import dev.tracking.consumer.mapping.PostHogEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a sequence of events to PostHog, in order, one request at a time, as few requests as the limits allow, and
 * reports what became of each ({@link DeliveryOutcome}); the returned future never completes exceptionally. Per
 * request, by {@link FailureClassifier} verdict:
 *
 * <ul>
 *   <li>{@code RETRY}: sent again in place by the {@link Retry} (exponential back-off with jitter, a {@code Retry-After}
 *       up to the longest in-place wait) through the {@link CircuitBreaker}; when the attempts run out, or PostHog asks
 *       for a longer wait, or the delivery's deadline passes, the rest of the events stay unresolved, with {@link
 *       PostHogUnavailableException} as the reason: the caller retries them later;
 *   <li>{@code SPLIT} (413) and {@code BISECT} (400 from PostHog): the request is halved and each half delivered,
 *       until the events PostHog refuses are isolated; those are reported as {@link RejectedEvent}s, the rest
 *       delivered. When more events than {@code maxRejectedEvents}, and more than half of those answered, are refused
 *       one by one, the endpoint refuses everything: {@link PostHogMisconfiguredException}, and none is reported;
 *   <li>{@code MISCONFIGURED}: the rest stays unresolved with {@link PostHogMisconfiguredException}.
 * </ul>
 *
 * <p>A {@code Retry-After} holds every request of every partition, including those already queued for a connection:
 * each request checks the hold when its turn comes, just before it is sent.
 *
 * <p>Events whose {@code occurred_at} is older than {@link Limits#historicalAfter()} travel in requests of their own,
 * flagged {@code historical_migration: true} (PostHog's historical lane, so a backfill or a replay does not delay live
 * events); see {@link #requests}.
 */
public final class PostHogSender {
    private static final Logger log = LoggerFactory.getLogger(PostHogSender.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /**
     * What a request may hold, and when a delivery gives up on bisection.
     *
     * @param historicalMigration flag every request {@code historical_migration: true}
     * @param historicalAfter an event whose {@code occurred_at} is older than this goes in a historical request; null
     *     sends every event in the live lane (unless {@code historicalMigration})
     * @param maxRejectedEvents see {@link dev.tracking.consumer.config.DeliveryProperties#maxRejectedEvents()}
     */
    public record Limits(
            String apiKey,
            boolean historicalMigration,
            Duration historicalAfter,
            int maxEvents,
            long maxRequestBytes,
            int gzipLevel,
            int maxRejectedEvents) {}

    private final PostHogTransport transport;
    private final Limits limits;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final ScheduledExecutorService scheduler;
    private final AsyncLimiter inFlight;
    private final Clock clock;
    private final DeliveryHealth health;
    private final AtomicLong holdUntil = new AtomicLong();

    public PostHogSender(
            PostHogTransport transport,
            Limits limits,
            Retry retry,
            CircuitBreaker breaker,
            ScheduledExecutorService scheduler,
            int maxConcurrentRequests,
            Clock clock,
            DeliveryHealth health) {
        this.clock = clock;
        this.health = health;
        this.transport = transport;
        this.limits = limits;
        this.retry = retry;
        this.breaker = breaker;
        this.scheduler = scheduler;
        this.inFlight = new AsyncLimiter(maxConcurrentRequests);
    }

    /**
     * Events sent together in one request, all of one lane.
     *
     * @param historical whether the request is flagged {@code historical_migration: true}
     */
    record Request(List<PostHogEvent> events, boolean historical) {
        /** The events from {@code from} to {@code to} (exclusive), in the same lane: a half when bisecting. */
        Request slice(int from, int to) {
            return new Request(events.subList(from, to), historical);
        }
    }

    /** Most events in one request. */
    public int maxEvents() {
        return limits.maxEvents();
    }

    /**
     * Delivers {@code events} in order, sending no request after {@code deadline}.
     *
     * @return completes with what became of the events; never exceptionally
     */
    public CompletableFuture<DeliveryOutcome> deliver(List<PostHogEvent> events, Instant deadline) {
        Progress progress = new Progress();
        CompletableFuture<Void> chain = DONE;
        for (Request request : requests(events)) {
            chain = chain.thenCompose(
                    ignored -> progress.stopped() ? DONE : deliverRequest(request, progress, 1, null, deadline));
        }
        return chain.handle((ignored, error) -> {
            if (error != null) {
                progress.fail(new PostHogMisconfiguredException(0, "unexpected error while delivering: " + error));
            }
            return progress.outcome();
        });
    }

    /**
     * Cuts events into consecutive requests within the event-count and body-size limits; a request holds consecutive
     * events of one lane (historical or live), so the requests, sent one after the other, keep the events' order. The
     * lane of each event is decided here, once, against the clock.
     */
    List<Request> requests(List<PostHogEvent> events) {
        long historicalBefore = limits.historicalAfter() == null
                ? Long.MIN_VALUE
                : clock.millis() - limits.historicalAfter().toMillis();
        List<Request> requests = new ArrayList<>();
        List<PostHogEvent> current = new ArrayList<>();
        boolean currentHistorical = false;
        long size = BatchBody.envelopeSize(limits.apiKey(), 0);
        for (PostHogEvent event : events) {
            long eventSize = event.json().length + 1L;
            boolean historical = limits.historicalMigration() || event.occurredAtMillis() < historicalBefore;
            if (!current.isEmpty()
                    && (current.size() >= limits.maxEvents()
                            || size + eventSize > limits.maxRequestBytes()
                            || historical != currentHistorical)) {
                requests.add(new Request(current, currentHistorical));
                current = new ArrayList<>();
                size = BatchBody.envelopeSize(limits.apiKey(), 0);
            }
            current.add(event);
            currentHistorical = historical;
            size += eventSize;
        }
        if (!current.isEmpty()) {
            requests.add(new Request(current, currentHistorical));
        }
        return requests;
    }

    /**
     * @param carried how many requests carried these events so far, this one included
     * @param firstFailure when the first request carrying them was refused, or null
     */
    private CompletableFuture<Void> deliverRequest(
            Request request, Progress progress, int carried, Instant firstFailure, Instant deadline) {
        if (clock.instant().isAfter(deadline)) {
            progress.fail(inPlaceLimitReached());
            return DONE;
        }
        BatchBody body = BatchBody.of(limits.apiKey(), request.historical(), request.events(), limits.gzipLevel());
        return sendWithRetry(body, deadline)
                .handle((response, error) -> {
                    if (error != null) {
                        noResponse(error, progress);
                        return DONE;
                    }
                    return answered(response, request, progress, carried, firstFailure, deadline);
                })
                .thenCompose(next -> next);
    }

    /** One request's answer, by verdict. */
    private CompletableFuture<Void> answered(
            PostHogTransport.Response response,
            Request request,
            Progress progress,
            int carried,
            Instant firstFailure,
            Instant deadline) {
        Instant now = clock.instant();
        List<PostHogEvent> events = request.events();
        switch (FailureClassifier.classify(response)) {
            case DELIVERED -> {
                health.accepted();
                progress.accepted(events.size(), request.historical(), now);
                return DONE;
            }
            case SPLIT, BISECT -> {
                Instant first = firstFailure == null ? now : firstFailure;
                if (events.size() == 1) {
                    progress.rejected(
                            new RejectedEvent(events.get(0), response.status(), response.body(), carried, first, now));
                    if (progress.refusesEverything(limits.maxRejectedEvents())) {
                        misconfigured(
                                response.status(),
                                "PostHog at " + transport.destination() + " refused " + progress.rejectedCount()
                                        + " events one by one (" + response.body() + "): it refuses everything,"
                                        + " check tracking.posthog.host and what stands in front of it",
                                progress);
                    }
                    return DONE;
                }
                log.debug("PostHog answered {} to {} events; sending halves", response.status(), events.size());
                Request left = request.slice(0, events.size() / 2);
                Request right = request.slice(events.size() / 2, events.size());
                return deliverRequest(left, progress, carried + 1, first, deadline)
                        .thenCompose(ignored -> progress.stopped()
                                ? DONE
                                : deliverRequest(right, progress, carried + 1, first, deadline));
            }
            case MISCONFIGURED -> {
                String problem = response.status() == 400
                        ? "an answer 400 that is not PostHog's (" + quoted(response.body()) + ") came from "
                                + transport.destination() + ": a proxy or a wrong port? check tracking.posthog.host"
                        : "PostHog answered " + response.status() + " at " + transport.destination()
                                + ": check tracking.posthog.host and tracking.posthog.api-key ("
                                + response.body() + ")";
                misconfigured(response.status(), problem, progress);
                return DONE;
            }
            default -> {
                PostHogUnavailableException unavailable = new PostHogUnavailableException(
                        "PostHog still answered " + response.status() + " after "
                                + retry.getRetryConfig().getMaxAttempts() + " attempts at "
                                + transport.destination(),
                        null,
                        response.retryAfter());
                health.failed(unavailable.getMessage());
                progress.fail(unavailable);
                return DONE;
            }
        }
    }

    /** A request that got no response after the in-place retries. */
    private void noResponse(Throwable error, Progress progress) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        switch (FailureClassifier.classify(cause)) {
            case RETRY_LATER -> {
                health.failed(cause.getMessage());
                progress.fail((PostHogUnavailableException) cause);
            }
            case RETRY -> {
                PostHogUnavailableException unavailable = new PostHogUnavailableException(
                        "no answer from PostHog at " + transport.destination() + " after "
                                + retry.getRetryConfig().getMaxAttempts() + " attempts: " + cause,
                        cause);
                health.failed(unavailable.getMessage());
                progress.fail(unavailable);
            }
            default -> misconfigured(0, "sending to " + transport.destination() + " failed: " + cause, progress);
        }
    }

    private void misconfigured(int status, String problem, Progress progress) {
        health.misconfigured(problem);
        progress.fail(new PostHogMisconfiguredException(status, problem));
    }

    /**
     * One request, sent again in place by the {@link Retry} while the answer or error is {@link Verdict#RETRY}. Each
     * attempt takes four steps: {@link #attempt} (the {@link CircuitBreaker}), {@link #whenSlotFree} (the limit of
     * requests in flight), {@link #afterHold} (the deadline and a {@code Retry-After}), {@link #sendNow}.
     */
    private CompletableFuture<PostHogTransport.Response> sendWithRetry(BatchBody body, Instant deadline) {
        return retry.executeCompletionStage(scheduler, () -> attempt(body, deadline))
                .toCompletableFuture();
    }

    /** One attempt, through the {@link CircuitBreaker}: while it is open, fails with no request sent. */
    private CompletionStage<PostHogTransport.Response> attempt(BatchBody body, Instant deadline) {
        return breaker.executeCompletionStage(() -> whenSlotFree(body, deadline));
    }

    /** Waits, without blocking a thread, until fewer than {@code maxConcurrentRequests} requests are in flight. */
    private CompletableFuture<PostHogTransport.Response> whenSlotFree(BatchBody body, Instant deadline) {
        return inFlight.submit(() -> afterHold(body, deadline));
    }

    /**
     * Sends once the hold has passed (checked when the request's turn comes, so a hold that began while it was queued
     * applies too); fails with {@link PostHogUnavailableException} at once when the deadline has passed (an in-place
     * retry due after it is not sent) or the hold outlasts it.
     */
    private CompletableFuture<PostHogTransport.Response> afterHold(BatchBody body, Instant deadline) {
        long now = clock.millis();
        if (now > deadline.toEpochMilli()) {
            return CompletableFuture.failedFuture(inPlaceLimitReached());
        }
        long wait = holdUntil.get() - now;
        if (wait <= 0) {
            return sendNow(body);
        }
        if (now + wait > deadline.toEpochMilli()) {
            return CompletableFuture.failedFuture(new PostHogUnavailableException(
                    "PostHog asked to wait " + wait + " ms (Retry-After), longer than this poll may take; the"
                            + " partition is paused meanwhile",
                    null,
                    Duration.ofMillis(wait)));
        }
        CompletableFuture<PostHogTransport.Response> later = new CompletableFuture<>();
        scheduler.schedule(
                () -> afterHold(body, deadline).whenComplete((value, error) -> {
                    if (error != null) {
                        later.completeExceptionally(error);
                    } else {
                        later.complete(value);
                    }
                }),
                wait,
                TimeUnit.MILLISECONDS);
        return later;
    }

    /**
     * Sends the request; a {@code Retry-After} in the answer starts a hold. A transport that throws fails the attempt
     * (after a hold this runs on the scheduler, where a throw would never be seen).
     */
    private CompletableFuture<PostHogTransport.Response> sendNow(BatchBody body) {
        try {
            return transport.send(body).thenApply(this::holdIfAsked);
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A {@code Retry-After} applies to the whole project, not to one request: after one, no request of any partition
     * is sent before it has passed.
     */
    private PostHogTransport.Response holdIfAsked(PostHogTransport.Response response) {
        if (response.retryAfter() != null) {
            long until = clock.millis() + response.retryAfter().toMillis();
            holdUntil.accumulateAndGet(until, Math::max);
        }
        return response;
    }

    private static PostHogUnavailableException inPlaceLimitReached() {
        return new PostHogUnavailableException(
                "this poll's deliveries reached tracking.delivery.in-place-limit; the rest is retried later", null);
    }

    private static String quoted(String body) {
        return body == null || body.isBlank() ? "an empty body" : "\"" + body.strip() + "\"";
    }

    /** What one delivery resolved so far; advanced in request order by one chain at a time. */
    private static final class Progress {
        private int resolved;
        private int historical;
        private final List<RejectedEvent> rejected = new ArrayList<>(0);
        private int firstRejectedAt = -1;
        private Instant acknowledgedAt;
        private RuntimeException failure;

        synchronized void accepted(int events, boolean inHistoricalRequest, Instant at) {
            resolved += events;
            historical += inHistoricalRequest ? events : 0;
            acknowledgedAt = at;
        }

        synchronized void rejected(RejectedEvent event) {
            if (firstRejectedAt < 0) {
                firstRejectedAt = resolved;
            }
            rejected.add(event);
            resolved++;
        }

        synchronized int rejectedCount() {
            return rejected.size();
        }

        synchronized boolean refusesEverything(int maxRejected) {
            return rejected.size() > maxRejected && rejected.size() * 2 > resolved;
        }

        /**
         * Stops the delivery. A misconfiguration takes back every refusal: the events from the first refused one on
         * stay unresolved, so none is dead-lettered.
         */
        synchronized void fail(RuntimeException reason) {
            if (failure != null) {
                return;
            }
            failure = reason;
            if (reason instanceof PostHogMisconfiguredException && firstRejectedAt >= 0) {
                resolved = firstRejectedAt;
                rejected.clear();
            }
        }

        synchronized boolean stopped() {
            return failure != null;
        }

        synchronized DeliveryOutcome outcome() {
            return new DeliveryOutcome(resolved, List.copyOf(rejected), historical, acknowledgedAt, failure);
        }
    }
}
