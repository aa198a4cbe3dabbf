package dev.tracking.consumer.delivery;

import java.time.Duration;

/**
 * PostHog did not accept a request after the in-place retries (5xx, 429, timeouts, connection errors, open circuit),
 * or the wait it asked for ({@code Retry-After}) or the time left for this poll's deliveries ran out. Retryable: the
 * partition is rewound and paused, and delivered later; nothing is dead-lettered for this.
 */
public class PostHogUnavailableException extends RuntimeException {
    private final transient Duration retryAfter;

    public PostHogUnavailableException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /**
     * @param retryAfter how long PostHog asked us to wait from now, or null
     */
    public PostHogUnavailableException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** How long PostHog asked us to wait, from when this was thrown; null when it did not say. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
