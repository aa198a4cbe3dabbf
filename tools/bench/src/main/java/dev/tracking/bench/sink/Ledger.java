package dev.tracking.bench.sink;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the sink counts during one scenario: requests, events, distinct uuids, the expected events received, the
 * kinds of repeats, and latencies from {@code timestamp} to acknowledgement. Thread-safe (one lock; each request takes
 * it twice: once when its events are read, once when it is answered).
 */
public final class Ledger {
    private final ExpectedEvents expected;
    private UuidBodies uuids;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final boolean[] factFirstSeen = new boolean[1];
    private final Map<String, Integer> unexpectedByName = new TreeMap<>();

    private long batchRequests;
    private long acknowledgedRequests;
    private long eventsReceived;
    private long eventsAcknowledged;
    private long expectedReceived;
    private long factsReceived;
    private long exactRepeats;
    private long sameUuidOtherBody;
    private long repeatsNewUuid;
    private long unexpected;
    private long invalidUuids;
    private long rejected;
    private long firstAckMillis = Long.MAX_VALUE;
    private long lastAckMillis = Long.MIN_VALUE;
    private long lastReceiveNanos = System.nanoTime();
    private long latencySinceMillis = Long.MIN_VALUE;

    Ledger(ExpectedEvents expected) {
        this.expected = expected;
        this.uuids = new UuidBodies(Math.max(expected.size(), 1 << 16));
    }

    /** The events of one request, read but not yet recorded. */
    static final class Received {
        int size;
        long[] keyHigh = new long[64];
        long[] keyLow = new long[64];
        long[] uuidHigh = new long[64];
        long[] uuidLow = new long[64];
        int[] body = new int[64];
        boolean[] uuidValid = new boolean[64];
        long[] timestamp = new long[64];
        String[] name = new String[64];

        void add(ReceivedEvent event) {
            if (size == keyHigh.length) {
                int capacity = size * 2;
                keyHigh = Arrays.copyOf(keyHigh, capacity);
                keyLow = Arrays.copyOf(keyLow, capacity);
                uuidHigh = Arrays.copyOf(uuidHigh, capacity);
                uuidLow = Arrays.copyOf(uuidLow, capacity);
                body = Arrays.copyOf(body, capacity);
                uuidValid = Arrays.copyOf(uuidValid, capacity);
                timestamp = Arrays.copyOf(timestamp, capacity);
                name = Arrays.copyOf(name, capacity);
            }
            keyHigh[size] = event.keyHigh;
            keyLow[size] = event.keyLow;
            uuidHigh[size] = event.uuidHigh;
            uuidLow[size] = event.uuidLow;
            body[size] = event.bodyHash;
            uuidValid[size] = event.uuidValid;
            timestamp[size] = event.timestampMillis;
            name[size] = event.name;
            size++;
        }
    }

    synchronized void requestArrived() {
        batchRequests++;
    }

    synchronized void rejected() {
        rejected++;
    }

    /** Records the events of a request PostHog would have ingested (answered 200, now or late). */
    synchronized void received(Received events) {
        ReceivedEvent event = new ReceivedEvent();
        for (int i = 0; i < events.size; i++) {
            eventsReceived++;
            if (!events.uuidValid[i]) {
                invalidUuids++;
            } else {
                switch (uuids.add(events.uuidHigh[i], events.uuidLow[i], events.body[i])) {
                    case SAME_BODY -> exactRepeats++;
                    case OTHER_BODY -> sameUuidOtherBody++;
                    case NEW -> {}
                }
            }
            event.keyHigh = events.keyHigh[i];
            event.keyLow = events.keyLow[i];
            event.uuidHigh = events.uuidHigh[i];
            event.uuidLow = events.uuidLow[i];
            switch (expected.receive(event, factFirstSeen)) {
                case FIRST -> expectedReceived++;
                case REPEAT_NEW_UUID -> repeatsNewUuid++;
                case UNEXPECTED -> {
                    unexpected++;
                    if (unexpectedByName.size() < 64 || unexpectedByName.containsKey(events.name[i])) {
                        unexpectedByName.merge(String.valueOf(events.name[i]), 1, Integer::sum);
                    }
                }
                case REPEAT_SAME_UUID -> {}
            }
            if (factFirstSeen[0]) {
                factsReceived++;
            }
        }
        lastReceiveNanos = System.nanoTime();
    }

    /** Records the answer 200 to a request, sent at {@code ackMillis} (wall clock, like the events' timestamps). */
    synchronized void acknowledged(Received events, long ackMillis) {
        acknowledgedRequests++;
        eventsAcknowledged += events.size;
        if (events.size > 0) {
            firstAckMillis = Math.min(firstAckMillis, ackMillis);
            lastAckMillis = Math.max(lastAckMillis, ackMillis);
        }
        for (int i = 0; i < events.size; i++) {
            long timestamp = events.timestamp[i];
            if (timestamp != Long.MIN_VALUE && timestamp >= latencySinceMillis) {
                latency.record(ackMillis - timestamp);
            }
        }
    }

    /**
     * Starts a new scenario: forgets everything received; latencies count only for events whose {@code timestamp} is at
     * or after {@code latencySinceMillis}.
     */
    public synchronized void clear(long latencySinceMillis) {
        expected.clearReceived();
        uuids.clear();
        latency.clear();
        batchRequests = 0;
        acknowledgedRequests = 0;
        eventsReceived = 0;
        eventsAcknowledged = 0;
        expectedReceived = 0;
        factsReceived = 0;
        exactRepeats = 0;
        sameUuidOtherBody = 0;
        repeatsNewUuid = 0;
        unexpected = 0;
        unexpectedByName.clear();
        invalidUuids = 0;
        rejected = 0;
        firstAckMillis = Long.MAX_VALUE;
        lastAckMillis = Long.MIN_VALUE;
        lastReceiveNanos = System.nanoTime();
        this.latencySinceMillis = latencySinceMillis;
    }

    /** Latencies from now on count only for events whose {@code timestamp} is at or after {@code sinceMillis}. */
    public synchronized void measureLatencySince(long sinceMillis) {
        latency.clear();
        latencySinceMillis = sinceMillis;
    }

    /** A consistent copy of the counters. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(
                batchRequests,
                acknowledgedRequests,
                eventsReceived,
                eventsAcknowledged,
                uuids.size(),
                expected.size(),
                expectedReceived,
                factsReceived,
                exactRepeats,
                sameUuidOtherBody,
                repeatsNewUuid,
                unexpected,
                invalidUuids,
                rejected,
                firstAckMillis == Long.MAX_VALUE ? -1 : firstAckMillis,
                lastAckMillis == Long.MIN_VALUE ? -1 : lastAckMillis,
                lastReceiveNanos,
                latency.count(),
                latency.percentile(50),
                latency.percentile(99),
                latency.max());
    }

    /** Received events that matched no expected event, by event name (the first 64 names). */
    public synchronized Map<String, Integer> unexpectedByName() {
        return new TreeMap<>(unexpectedByName);
    }

    /** Expected events never received, by event name (scans the table). */
    public synchronized Map<String, Integer> missingByName() {
        return expected.missingByName();
    }

    /**
     * The counters of a scenario.
     *
     * @param batchRequests {@code POST /batch} requests, faults included
     * @param acknowledgedRequests requests answered 200 in time
     * @param eventsReceived events in requests processed (answered 200, in time or late)
     * @param eventsAcknowledged events in requests answered 200 in time
     * @param distinctUuids distinct uuids among the events received
     * @param expectedEvents events the data should produce
     * @param expectedReceived of those, how many arrived at least once
     * @param factsReceived facts with at least one expected event received
     * @param exactRepeats events whose uuid arrived before with the same body (PostHog merges them)
     * @param sameUuidOtherBody events whose uuid arrived before with another body
     * @param repeatsNewUuid expected events that arrived again under another uuid (counted twice by PostHog)
     * @param unexpected events matching no expected event
     * @param invalidUuids events without a valid uuid
     * @param rejected requests answered 400 (unreadable)
     * @param firstAckMillis wall-clock time of the first 200 carrying events, -1 if none
     * @param lastAckMillis wall-clock time of the last 200 carrying events, -1 if none
     * @param lastReceiveNanos {@link System#nanoTime()} when events last arrived (or the scenario started)
     * @param latencyCount events with a measured latency
     * @param p50Millis median {@code timestamp} to acknowledgement
     * @param p99Millis 99th percentile
     * @param maxMillis maximum
     */
    public record Snapshot(
            long batchRequests,
            long acknowledgedRequests,
            long eventsReceived,
            long eventsAcknowledged,
            long distinctUuids,
            long expectedEvents,
            long expectedReceived,
            long factsReceived,
            long exactRepeats,
            long sameUuidOtherBody,
            long repeatsNewUuid,
            long unexpected,
            long invalidUuids,
            long rejected,
            long firstAckMillis,
            long lastAckMillis,
            long lastReceiveNanos,
            long latencyCount,
            long p50Millis,
            long p99Millis,
            long maxMillis) {

        /** Expected events never received. */
        public long lost() {
            return expectedEvents - expectedReceived;
        }

        /** Seconds from the first to the last acknowledgement carrying events; 0 when fewer than two. */
        public double ackWindowSeconds() {
            return firstAckMillis < 0 || lastAckMillis <= firstAckMillis
                    ? 0
                    : (lastAckMillis - firstAckMillis) / 1000.0;
        }

        /** Milliseconds since events last arrived. */
        public long quietMillis() {
            return (System.nanoTime() - lastReceiveNanos) / 1_000_000;
        }
    }
}
