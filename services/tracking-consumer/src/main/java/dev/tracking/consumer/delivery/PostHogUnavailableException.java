package dev.tracking.consumer.delivery;

/**
 * PostHog did not accept a request after the in-place retries (5xx, 429, timeouts, connection errors, open circuit).
 * Retryable: the listener container pauses and retries the batch; nothing is dead-lettered for this.
 */
public class PostHogUnavailableException extends RuntimeException {
    public PostHogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
