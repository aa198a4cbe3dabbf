package dev.tracking.testkit.posthogapi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The faults a {@link FakePostHogApi} will inject; thread-safe.
 *
 * <p>Each queued fault has a matcher: the first queued fault whose method and path fragment match a request is taken by
 * it (and only by it), in arrival order; unmatched requests are served normally. While an {@link #outage(boolean)
 * outage} is on every request gets 503 and the queue is left untouched.
 */
public final class ApiFaultScript {
    private record Entry(String method, String pathContains, ApiFault fault) {
        boolean matches(String requestMethod, String path) {
            return (method == null || method.equals(requestMethod))
                    && (pathContains == null || path.contains(pathContains));
        }
    }

    private final List<Entry> queue = new ArrayList<>();
    private volatile boolean outage;

    ApiFaultScript() {}

    /** Applies {@code fault} to the next request, whatever it is. */
    public ApiFaultScript next(ApiFault fault) {
        return next(null, null, fault, 1);
    }

    /**
     * Applies {@code fault} to the next {@code times} requests with this method ({@code null}: any) whose path contains
     * {@code pathContains} ({@code null}: any), e.g. {@code next("POST", "/insights/", ApiFault.status(400), 1)}.
     */
    public ApiFaultScript next(String method, String pathContains, ApiFault fault, int times) {
        Objects.requireNonNull(fault, "fault");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + times);
        }
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.add(new Entry(method, pathContains, fault));
            }
        }
        return this;
    }

    /** Turns a persistent outage (every request answered 503, nothing processed) on or off. */
    public ApiFaultScript outage(boolean on) {
        this.outage = on;
        return this;
    }

    /** How many queued faults have not been applied yet. */
    public int pending() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /** Drops queued faults and ends any outage. */
    public ApiFaultScript clear() {
        synchronized (queue) {
            queue.clear();
        }
        outage = false;
        return this;
    }

    /** The fault for this request, or {@code null}. */
    ApiFault take(String method, String path) {
        if (outage) {
            return ApiFault.status(503);
        }
        synchronized (queue) {
            for (Iterator<Entry> it = queue.iterator(); it.hasNext(); ) {
                Entry entry = it.next();
                if (entry.matches(method, path)) {
                    it.remove();
                    return entry.fault();
                }
            }
        }
        return null;
    }
}
