package dev.tracking.consumer.delivery;

import dev.tracking.consumer.mapping.PostHogEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a sequence of events to PostHog, in order, one request at a time, as few requests as the limits allow.
 * Per request, by {@link FailureClassifier} verdict:
 *
 * <ul>
 *   <li>{@code RETRY}: sent again in place by the {@link Retry} (exponential back-off with jitter, {@code Retry-After}
 *       honoured) through the {@link CircuitBreaker}; when the attempts run out the delivery fails with {@link
 *       PostHogUnavailableException} and the caller retries later;
 *   <li>{@code SPLIT} (413) and {@code BISECT} (400): the request is halved and each half delivered, until the events
 *       PostHog refuses are isolated; those are reported as {@link RejectedEvent}s, the rest delivered;
 *   <li>{@code MISCONFIGURED}: the delivery fails with {@link PostHogMisconfiguredException}.
 * </ul>
 */
public final class PostHogSender {
    private static final Logger log = LoggerFactory.getLogger(PostHogSender.class);

    /** What a request may hold. */
    public record Limits(
            String apiKey, boolean historicalMigration, int maxEvents, long maxRequestBytes, int gzipLevel) {}

    private final PostHogTransport transport;
    private final Limits limits;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final ScheduledExecutorService scheduler;
    private final AsyncLimiter inFlight;
    private final Clock clock;
    private final DeliveryHealth health;
    private final java.util.concurrent.atomic.AtomicLong holdUntil = new java.util.concurrent.atomic.AtomicLong();

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
     * Delivers {@code events} in order.
     *
     * @return completes with the events PostHog refused individually (empty when all were accepted); exceptionally with
     *     {@link PostHogUnavailableException} or {@link PostHogMisconfiguredException}
     */
    public CompletableFuture<List<RejectedEvent>> deliver(List<PostHogEvent> events) {
        List<RejectedEvent> rejected = new ArrayList<>(0);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (List<PostHogEvent> request : requests(events)) {
            chain = chain.thenCompose(ignored -> deliverRequest(request, rejected, 1, null));
        }
        return chain.thenApply(ignored -> rejected);
    }

    /** Cuts events into consecutive requests within the event-count and body-size limits. */
    List<List<PostHogEvent>> requests(List<PostHogEvent> events) {
        List<List<PostHogEvent>> requests = new ArrayList<>();
        List<PostHogEvent> current = new ArrayList<>();
        long size = BatchBody.envelopeSize(limits.apiKey(), 0);
        for (PostHogEvent event : events) {
            long eventSize = event.json().length + 1L;
            if (!current.isEmpty()
                    && (current.size() >= limits.maxEvents() || size + eventSize > limits.maxRequestBytes())) {
                requests.add(current);
                current = new ArrayList<>();
                size = BatchBody.envelopeSize(limits.apiKey(), 0);
            }
            current.add(event);
            size += eventSize;
        }
        if (!current.isEmpty()) {
            requests.add(current);
        }
        return requests;
    }

    /**
     * @param carried how many requests carried these events so far, this one included
     * @param firstFailure when the first request carrying them was refused, or null
     */
    private CompletableFuture<Void> deliverRequest(
            List<PostHogEvent> events, List<RejectedEvent> rejected, int carried, Instant firstFailure) {
        BatchBody body = BatchBody.of(limits.apiKey(), limits.historicalMigration(), events, limits.gzipLevel());
        return sendWithRetry(body).thenCompose(response -> {
            Verdict verdict = FailureClassifier.classify(response.status());
            Instant now = clock.instant();
            switch (verdict) {
                case DELIVERED -> {
                    health.accepted();
                    return CompletableFuture.completedFuture(null);
                }
                case SPLIT, BISECT -> {
                    Instant first = firstFailure == null ? now : firstFailure;
                    if (events.size() == 1) {
                        synchronized (rejected) {
                            rejected.add(new RejectedEvent(
                                    events.get(0), response.status(), response.body(), carried, first, now));
                        }
                        return CompletableFuture.completedFuture(null);
                    }
                    log.debug("PostHog answered {} to {} events; sending halves", response.status(), events.size());
                    List<PostHogEvent> left = events.subList(0, events.size() / 2);
                    List<PostHogEvent> right = events.subList(events.size() / 2, events.size());
                    return deliverRequest(left, rejected, carried + 1, first)
                            .thenCompose(ignored -> deliverRequest(right, rejected, carried + 1, first));
                }
                case MISCONFIGURED -> {
                    String problem = "PostHog answered " + response.status() + " at " + transport.destination()
                            + ": check tracking.posthog.host and tracking.posthog.api-key (" + response.body() + ")";
                    health.misconfigured(problem);
                    return CompletableFuture.failedFuture(
                            new PostHogMisconfiguredException(response.status(), problem));
                }
                default -> {
                    return CompletableFuture.failedFuture(new PostHogUnavailableException(
                            "PostHog still answered " + response.status() + " after "
                                    + retry.getRetryConfig().getMaxAttempts() + " attempts at "
                                    + transport.destination(),
                            null));
                }
            }
        });
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

    private <T> CompletableFuture<T> afterHold(java.util.function.Supplier<CompletableFuture<T>> send) {
        long wait = holdUntil.get() - clock.millis();
        if (wait <= 0) {
            return send.get();
        }
        CompletableFuture<T> later = new CompletableFuture<>();
        scheduler.schedule(
                () -> {
                    afterHold(send).whenComplete((value, error) -> {
                        if (error != null) {
                            later.completeExceptionally(error);
                        } else {
                            later.complete(value);
                        }
                    });
                },
                wait,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        return later;
    }

    private CompletableFuture<PostHogTransport.Response> sendWithRetry(BatchBody body) {
        return retry.executeCompletionStage(
                        scheduler,
                        () -> breaker.executeCompletionStage(() -> afterHold(
                                () -> inFlight.submit(() -> transport.send(body).thenApply(this::holdIfAsked)))))
                .toCompletableFuture()
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause =
                                error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                        ? error.getCause()
                                        : error;
                        throw new PostHogUnavailableException(
                                "no answer from PostHog at " + transport.destination() + " after "
                                        + retry.getRetryConfig().getMaxAttempts() + " attempts: " + cause,
                                cause);
                    }
                    return response;
                });
    }
}
