package dev.tracking.consumer.delivery;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Waits between attempts of one request: exponential ({@code initial × multiplier^(attempt-1)}, capped), spread by
 * random jitter, and never shorter than the server's {@code Retry-After}.
 *
 * @param initial wait after the first failed attempt
 * @param multiplier growth per attempt
 * @param max longest wait chosen by the policy itself
 * @param jitter spread, 0 (none) to 1: the wait is multiplied by a factor in {@code [1 - jitter, 1 + jitter]}
 * @param random source of values in {@code [0, 1)}, injectable so tests can assert exact waits
 */
public record BackoffPolicy(Duration initial, double multiplier, Duration max, double jitter, DoubleSupplier random) {

    /**
     * @param attempt the number of the attempt that just failed, from 1
     * @param retryAfter the server's {@code Retry-After}, or null
     */
    public Duration waitAfter(int attempt, Duration retryAfter) {
        double base = Math.min(max.toMillis(), initial.toMillis() * Math.pow(multiplier, attempt - 1));
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        long millis = Math.round(base * factor);
        if (retryAfter != null && retryAfter.toMillis() > millis) {
            millis = retryAfter.toMillis();
        }
        return Duration.ofMillis(millis);
    }
}
