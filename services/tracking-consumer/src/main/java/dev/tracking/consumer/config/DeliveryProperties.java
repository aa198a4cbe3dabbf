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
 * place ({@link Retry}); if PostHog stays unavailable the whole poll batch is handed back to the listener container,
 * which pauses consumption and retries it with {@link Outage} back-off, forever: nothing is dead-lettered because the
 * destination is down. A circuit breaker ({@link CircuitBreaker}) stops sending while PostHog keeps failing.
 *
 * @param retry in-place retries of one request
 * @param outage back-off between attempts of a whole batch while PostHog is unavailable
 * @param circuitBreaker when to stop calling PostHog for a while
 */
@ConfigurationProperties("tracking.delivery")
@Validated
public record DeliveryProperties(
        @Valid @NotNull @DefaultValue Retry retry,
        @Valid @NotNull @DefaultValue Outage outage,
        @Valid @NotNull @DefaultValue CircuitBreaker circuitBreaker) {

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
