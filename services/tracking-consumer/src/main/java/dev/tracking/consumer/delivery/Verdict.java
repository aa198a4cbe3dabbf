package dev.tracking.consumer.delivery;

/**
 * What to do after one request to PostHog. Failures are of two kinds: {@linkplain #isRetryable() retryable} (the same
 * request may succeed later) and permanent (it never will, so something else must happen: split, bisect or stop).
 */
public enum Verdict {
    /** 2xx: PostHog accepted the batch. */
    DELIVERED,
    /** 429, 5xx, 408, timeouts, connection errors, open circuit: send the same request again later. */
    RETRY,
    /** 413: the request is too large; send its halves. */
    SPLIT,
    /** 400: some event is invalid; bisect to find it, dead-letter it and deliver the rest. */
    BISECT,
    /**
     * 401, 403 and other statuses that mean this service is misconfigured (wrong key, wrong host or path, a redirect):
     * stop consuming and report unhealthy; never dead-letter for this.
     */
    MISCONFIGURED;

    public boolean isRetryable() {
        return this == RETRY;
    }
}
