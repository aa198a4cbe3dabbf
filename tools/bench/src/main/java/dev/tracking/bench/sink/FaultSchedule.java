package dev.tracking.bench.sink;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The faults the sink injects, switched on by the scenario as it goes; thread-safe. In order of precedence: a run of
 * 503s until a deadline, then queued 429s with {@code Retry-After}, then a slow period during which each arriving
 * request is processed (its events count as received, as PostHog may have ingested them) and answered only after a
 * delay longer than the relay's request timeout.
 */
public final class FaultSchedule {
    // deadlines in System.nanoTime(), compared by difference (nanoTime may be negative); "now" means none
    private final AtomicLong unavailableUntil = new AtomicLong(System.nanoTime());
    private final AtomicInteger rateLimited = new AtomicInteger();
    private volatile long retryAfterSeconds = 1;
    private final AtomicLong slowUntil = new AtomicLong(System.nanoTime());
    private volatile long slowDelayMillis;
    private final AtomicLong served503 = new AtomicLong();
    private final AtomicLong served429 = new AtomicLong();
    private final AtomicLong servedSlow = new AtomicLong();

    /** What to do with one request. */
    public sealed interface Decision {}

    /** Answer normally. */
    public record Normal() implements Decision {}

    /** Answer 503 at once; record nothing. */
    public record Unavailable() implements Decision {}

    /** Answer 429 with {@code Retry-After: seconds} at once; record nothing. */
    public record RateLimited(long retryAfterSeconds) implements Decision {}

    /** Record the events, answer 200 only after {@code delayMillis}. */
    public record Slow(long delayMillis) implements Decision {}

    private static final Normal NORMAL = new Normal();
    private static final Unavailable UNAVAILABLE = new Unavailable();

    /** Every request arriving within {@code period} from now is answered 503. */
    public void unavailableFor(Duration period) {
        unavailableUntil.set(System.nanoTime() + period.toNanos());
    }

    /** The next {@code requests} requests are answered 429 with {@code Retry-After} (whole seconds). */
    public void rateLimitNext(int requests, Duration retryAfter) {
        retryAfterSeconds = Math.max(0, retryAfter.toSeconds());
        rateLimited.addAndGet(requests);
    }

    /** Every request arriving within {@code period} from now is answered only after {@code responseDelay}. */
    public void slowFor(Duration period, Duration responseDelay) {
        slowDelayMillis = responseDelay.toMillis();
        slowUntil.set(System.nanoTime() + period.toNanos());
    }

    /** Ends every fault now (queued 429s included). */
    public void clear() {
        long now = System.nanoTime();
        unavailableUntil.set(now);
        rateLimited.set(0);
        slowUntil.set(now);
    }

    Decision decide() {
        long now = System.nanoTime();
        if (now - unavailableUntil.get() < 0) {
            served503.incrementAndGet();
            return UNAVAILABLE;
        }
        if (rateLimited.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            served429.incrementAndGet();
            return new RateLimited(retryAfterSeconds);
        }
        if (now - slowUntil.get() < 0) {
            servedSlow.incrementAndGet();
            return new Slow(slowDelayMillis);
        }
        return NORMAL;
    }

    /** Requests answered 503, 429 and late so far. */
    public record Served(long unavailable, long rateLimited, long slow) {}

    public Served served() {
        return new Served(served503.get(), served429.get(), servedSlow.get());
    }

    /** Whether any fault is still due (a 503 period or a slow period running, or queued 429s). */
    public boolean pending() {
        long now = System.nanoTime();
        return now - unavailableUntil.get() < 0 || rateLimited.get() > 0 || now - slowUntil.get() < 0;
    }
}
