package dev.tracking.consumer.delivery;

import dev.tracking.consumer.config.DeliveryProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.function.DoubleSupplier;

/**
 * The resilience4j {@link Retry} and {@link CircuitBreaker} around each request to PostHog, built in one place so that
 * the application and {@link PostHogSender}'s tests use the same ones.
 */
public final class DeliveryResilience {
    private DeliveryResilience() {}

    /**
     * In-place retries of one request: only {@link Verdict#RETRY} answers and errors are retried, waiting as {@link
     * BackoffPolicy} says; a {@code Retry-After} longer than {@code settings.maxBackoff()} is not waited for in place
     * (the answer is returned, and the partition paused). When the attempts run out, the last answer is returned (or
     * the last error thrown).
     *
     * @param random source of the jitter, values in {@code [0, 1)}
     */
    public static Retry retry(DeliveryProperties.Retry settings, DoubleSupplier random) {
        BackoffPolicy backoff = new BackoffPolicy(
                settings.initialBackoff(), settings.multiplier(), settings.maxBackoff(), settings.jitter(), random);
        return Retry.of(
                "posthog",
                RetryConfig.<PostHogTransport.Response>custom()
                        .maxAttempts(settings.maxAttempts())
                        // a Retry-After longer than the longest in-place wait is honoured by pausing the partition
                        .retryOnResult(response -> FailureClassifier.classify(response.status()) == Verdict.RETRY
                                && (response.retryAfter() == null
                                        || response.retryAfter().compareTo(settings.maxBackoff()) <= 0))
                        .retryOnException(error -> FailureClassifier.classify(error) == Verdict.RETRY)
                        .intervalBiFunction((attempt, outcome) -> backoff.waitAfter(
                                        attempt,
                                        outcome.isRight() ? outcome.get().retryAfter() : null)
                                .toMillis())
                        .failAfterMaxAttempts(false)
                        .build());
    }

    /**
     * Stops calling PostHog while too many of the recent requests got a retryable answer or error; our own refusal to
     * wait ({@link PostHogUnavailableException}) is not counted.
     */
    public static CircuitBreaker circuitBreaker(DeliveryProperties.CircuitBreaker settings) {
        return CircuitBreaker.of(
                "posthog",
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(settings.slidingWindowSize())
                        .minimumNumberOfCalls(settings.minimumCalls())
                        .failureRateThreshold(settings.failureRateThreshold())
                        .waitDurationInOpenState(settings.openDuration())
                        .automaticTransitionFromOpenToHalfOpenEnabled(true)
                        .permittedNumberOfCallsInHalfOpenState(2)
                        .recordResult(result -> result instanceof PostHogTransport.Response response
                                && FailureClassifier.classify(response.status()).isRetryable())
                        // our own refusal to wait past a Retry-After or the in-place limit says nothing of PostHog
                        .ignoreExceptions(PostHogUnavailableException.class)
                        .build());
    }
}
