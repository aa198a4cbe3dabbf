package dev.tracking.consumer.delivery;

/** The one decision of retryable versus permanent at the delivery edge: a pure function of a status or an error. */
public final class FailureClassifier {
    private FailureClassifier() {}

    /** The verdict for an HTTP status from PostHog's {@code /batch/}. */
    public static Verdict classify(int status) {
        if (status >= 200 && status < 300) {
            return Verdict.DELIVERED;
        }
        if (status == 429 || status == 408 || status >= 500) {
            return Verdict.RETRY;
        }
        if (status == 413) {
            return Verdict.SPLIT;
        }
        if (status == 400) {
            return Verdict.BISECT;
        }
        // 401/403 bad key, 404/405 wrong host or path, 3xx redirect, anything else we do not expect: a human must look
        return Verdict.MISCONFIGURED;
    }

    /**
     * The verdict for a request that got no response: always {@link Verdict#RETRY}. Timeouts, refused or reset
     * connections, TLS failures and an open circuit breaker say nothing about the events, and for an unexpected error
     * a retry costs only a delay, where a permanent verdict would dead-letter healthy events.
     */
    public static Verdict classify(Throwable error) {
        return Verdict.RETRY;
    }
}
