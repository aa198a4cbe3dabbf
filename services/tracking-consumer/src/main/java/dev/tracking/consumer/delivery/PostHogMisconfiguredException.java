package dev.tracking.consumer.delivery;

/**
 * PostHog answered in a way that means this service is misconfigured (401/403 bad API key, 404 wrong host or path, a
 * redirect). Consumption stops and health reports DOWN; offsets are not committed and nothing is dead-lettered.
 */
public class PostHogMisconfiguredException extends RuntimeException {
    private final int status;

    public PostHogMisconfiguredException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
