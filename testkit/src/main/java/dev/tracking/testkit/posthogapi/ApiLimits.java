package dev.tracking.testkit.posthogapi;

/**
 * Page size and rate limits of a {@link FakePostHogApi}; thread-safe, changes apply to the next request.
 *
 * <p>Defaults are PostHog's: pages of 100 ({@code limit}/{@code offset}), and per personal API key 480 requests a
 * minute in general, 240 a minute on insights and 600 a minute on {@code local_evaluation} (PostHog's
 * {@code posthog/rate_limit.py} and {@code LocalEvaluationThrottle}); a request over a limit gets 429 with
 * {@code Retry-After}. PostHog also limits per hour (4,800 and 1,200); the fake does not.
 */
public final class ApiLimits {
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int DEFAULT_PER_MINUTE = 480;
    public static final int DEFAULT_INSIGHTS_PER_MINUTE = 240;
    public static final int DEFAULT_LOCAL_EVALUATION_PER_MINUTE = 600;

    private volatile int pageSize = DEFAULT_PAGE_SIZE;
    private volatile int perMinute = DEFAULT_PER_MINUTE;
    private volatile int insightsPerMinute = DEFAULT_INSIGHTS_PER_MINUTE;
    private volatile int localEvaluationPerMinute = DEFAULT_LOCAL_EVALUATION_PER_MINUTE;

    ApiLimits() {}

    /** Results per page when the request names no {@code limit}. */
    public int pageSize() {
        return pageSize;
    }

    /** Sets {@link #pageSize()} (a small page makes tests walk {@code next} links without hundreds of objects). */
    public ApiLimits pageSize(int size) {
        this.pageSize = positive("pageSize", size);
        return this;
    }

    /** Requests a minute per key, insights and local evaluation excepted. */
    public int perMinute() {
        return perMinute;
    }

    /** Sets {@link #perMinute()}. */
    public ApiLimits perMinute(int requests) {
        this.perMinute = positive("perMinute", requests);
        return this;
    }

    /** Insight requests a minute per key. */
    public int insightsPerMinute() {
        return insightsPerMinute;
    }

    /** Sets {@link #insightsPerMinute()}. */
    public ApiLimits insightsPerMinute(int requests) {
        this.insightsPerMinute = positive("insightsPerMinute", requests);
        return this;
    }

    /** {@code local_evaluation} requests a minute per key. */
    public int localEvaluationPerMinute() {
        return localEvaluationPerMinute;
    }

    /** Sets {@link #localEvaluationPerMinute()}. */
    public ApiLimits localEvaluationPerMinute(int requests) {
        this.localEvaluationPerMinute = positive("localEvaluationPerMinute", requests);
        return this;
    }

    /** Restores the defaults. */
    public ApiLimits reset() {
        pageSize = DEFAULT_PAGE_SIZE;
        perMinute = DEFAULT_PER_MINUTE;
        insightsPerMinute = DEFAULT_INSIGHTS_PER_MINUTE;
        localEvaluationPerMinute = DEFAULT_LOCAL_EVALUATION_PER_MINUTE;
        return this;
    }

    private static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }
}
