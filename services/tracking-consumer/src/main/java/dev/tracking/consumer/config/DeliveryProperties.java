package dev.tracking.consumer.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How failed deliveries are retried ({@code tracking.delivery.*}). Two layers: a request is retried a few times in
 * place ({@link Retry}), for at most {@code inPlaceLimit} per poll; what is still undelivered then is handed back to
 * the listener container: its partition is rewound to the first undelivered record and paused for the {@link Outage}
 * back-off (or PostHog's longer {@code Retry-After}), while the consumer keeps polling and stays in its group; this
 * repeats forever: nothing is dead-lettered because the destination is down. A circuit breaker ({@link
 * CircuitBreaker}) stops sending while PostHog keeps failing.
 *
 * @param retry in-place retries of one request
 * @param outage back-off between attempts of a partition while PostHog is unavailable
 * @param circuitBreaker when to stop calling PostHog for a while
 * @param inPlaceLimit longest time the deliveries of one poll may take, waits and bisection included, before what is
 *     left is handed back to the container; it must stay well below {@code max.poll.interval.ms}
 * @param maxRejectedEvents a delivery in which PostHog refuses more events than this one by one, and more than half of
 *     the events it answered, means the endpoint refuses everything (a proxy or a wrong port answering 400): treated as
 *     a misconfiguration (consumption stops, nothing is dead-lettered), not as that many bad events
 */
@ConfigurationProperties("tracking.delivery")
@Validated
public record DeliveryProperties(
        @Valid @NotNull @DefaultValue Retry retry,
        @Valid @NotNull @DefaultValue Outage outage,
        @Valid @NotNull @DefaultValue CircuitBreaker circuitBreaker,
        @NotNull @DefaultValue("60s") Duration inPlaceLimit,
        @Min(1) @DefaultValue("10") int maxRejectedEvents) {

    public DeliveryProperties {
        if (inPlaceLimit != null && (inPlaceLimit.isNegative() || inPlaceLimit.isZero())) {
            throw new IllegalArgumentException(
                    "tracking.delivery.in-place-limit=" + inPlaceLimit + " must be positive, such as 60s");
        }
    }

    /**
     * @param maxAttempts attempts of one request (the first included) before the batch is handed to the container
     * @param initialBackoff wait after the first failure
     * @param multiplier growth of the wait after each failure
     * @param maxBackoff longest wait (a longer {@code Retry-After} is honoured anyway)
     * @param jitter random spread of each wait, 0 (none) to 1 (plus or minus 100 %)
     */
    public record Retry(
            @Min(1) @Max(100) @DefaultValue("4") int maxAttempts,
            @NotNull @DefaultValue("200ms") Duration initialBackoff,
            @DecimalMin("1.0") @DefaultValue("2.0") double multiplier,
            @NotNull @DefaultValue("5s") Duration maxBackoff,

            @DecimalMin("0.0") @jakarta.validation.constraints.DecimalMax("1.0") @DefaultValue("0.5")
            double jitter) {}

    /**
     * @param initialBackoff wait before the first retry of a batch
     * @param maxBackoff longest wait between retries of a batch
     */
    public record Outage(
            @NotNull @DefaultValue("1s") Duration initialBackoff,
            @NotNull @DefaultValue("30s") Duration maxBackoff) {}

    /**
     * @param failureRateThreshold percentage of failed requests (over the window) that opens the breaker
     * @param slidingWindowSize number of recent requests considered
     * @param minimumCalls requests needed before the rate is judged
     * @param openDuration how long the breaker stays open before letting trial requests through
     */
    public record CircuitBreaker(
            @Min(1) @Max(100) @DefaultValue("50") int failureRateThreshold,
            @Min(1) @DefaultValue("20") int slidingWindowSize,
            @Min(1) @DefaultValue("10") int minimumCalls,
            @NotNull @DefaultValue("10s") Duration openDuration) {}
}
