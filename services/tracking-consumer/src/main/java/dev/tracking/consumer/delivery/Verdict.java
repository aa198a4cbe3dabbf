package dev.tracking.consumer.delivery;

/**
 * What to do after one request to PostHog. Failures are of two kinds: {@linkplain #isRetryable() retryable} (the same
 * request may succeed later) and permanent (it never will, so something else must happen: split, bisect or stop).
 */
public enum Verdict {
    /** 2xx: PostHog accepted the batch. */
    DELIVERED,
    /** 429, 5xx, 408, timeouts, connection errors, open circuit: send the same request again, in place. */
    RETRY,
    /**
     * Retryable, but not within this poll: the wait PostHog asked for, or the time left for this poll's deliveries,
     * runs out. The partition is rewound and paused, and retried later.
     */
    RETRY_LATER,
    /** 413: the request is too large; send its halves. */
    SPLIT,
    /** 400 from PostHog itself: some event is invalid; bisect to find it, dead-letter it and deliver the rest. */
    BISECT,
    /**
     * 401, 403, other unexpected statuses, a 400 that did not come from PostHog, an unexpected error: this service is
     * misconfigured (wrong key, host, path or proxy). Stop consuming and report unhealthy; never dead-letter for this.
     */
    MISCONFIGURED;

    /** Whether the same request may succeed later. */
    public boolean isRetryable() {
        return this == RETRY || this == RETRY_LATER;
    }
}
