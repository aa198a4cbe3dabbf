package dev.tracking.testkit.posthog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The faults a {@link FakePostHog} will inject; thread-safe.
 *
 * <p>Queued faults ({@link #next(Fault, int)}) are taken one per {@code POST /batch} request, in arrival order; requests
 * to other paths or with other methods take none. While an {@link #outage(boolean) outage} is on, every batch request
 * gets 503 and the queue is left untouched. {@link #rejectEventsWhere(Predicate) Rejection rules} persist until
 * {@link #clear()}.
 */
public final class FaultScript {
    private static final Fault OUTAGE = Fault.status(503);

    private final Deque<Fault> queue = new ArrayDeque<>();
    private final List<Predicate<JsonNode>> rejectionRules = new CopyOnWriteArrayList<>();
    private volatile boolean outage;
    private volatile java.time.Duration latency = java.time.Duration.ZERO;

    FaultScript() {}

    /** Applies {@code fault} to the next {@code times} batch requests, after any faults already queued. */
    public FaultScript next(Fault fault, int times) {
        Objects.requireNonNull(fault, "fault");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + times);
        }
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.addLast(fault);
            }
        }
        return this;
    }

    /** Applies {@code fault} to the next batch request, after any faults already queued. */
    public FaultScript next(Fault fault) {
        return next(fault, 1);
    }

    /**
     * Adds a persistent rule: a batch holding an event (the whole event object, as received) that matches {@code rule}
     * is rejected with 400 as a whole and nothing from it is recorded, like capture rejecting one invalid event. Rules
     * must be thread-safe and fast; they run on the server's threads.
     */
    public FaultScript rejectEventsWhere(Predicate<JsonNode> rule) {
        rejectionRules.add(Objects.requireNonNull(rule, "rule"));
        return this;
    }

    /** Turns a persistent outage (every batch request answered 503, nothing recorded) on or off. */
    public FaultScript outage(boolean on) {
        this.outage = on;
        return this;
    }

    /**
     * Persistent: every accepted batch is answered only after {@code delay}, like a round trip to PostHog cloud (events
     * are recorded on arrival). Zero turns it off; scripted faults still apply.
     */
    public FaultScript latency(java.time.Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + delay);
        }
        this.latency = delay;
        return this;
    }

    /** The latency of {@link #latency(java.time.Duration)}. */
    public java.time.Duration latency() {
        return latency;
    }

    /** Whether an outage is on. */
    public boolean outage() {
        return outage;
    }

    /** How many queued faults have not been applied yet. */
    public int pending() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /** Drops queued faults and rejection rules and ends any outage. */
    public FaultScript clear() {
        synchronized (queue) {
            queue.clear();
        }
        rejectionRules.clear();
        latency = java.time.Duration.ZERO;
        outage = false;
        return this;
    }

    /** The fault for the batch request arriving now, or {@code null}. */
    Fault take() {
        if (outage) {
            return OUTAGE;
        }
        synchronized (queue) {
            return queue.pollFirst();
        }
    }

    /** Index of the first event matching a rejection rule, or -1. */
    int firstRejected(List<JsonNode> events) {
        if (rejectionRules.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            for (Predicate<JsonNode> rule : rejectionRules) {
                if (rule.test(event)) {
                    return i;
                }
            }
        }
        return -1;
    }
}
