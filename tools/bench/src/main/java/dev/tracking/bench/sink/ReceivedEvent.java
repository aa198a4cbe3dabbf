package dev.tracking.bench.sink;

/**
 * One event of a {@code /batch/} body as the sink keeps it: identities and hashes, no text. Reused by {@link
 * BatchReader} from one event to the next; copy what you keep.
 *
 * <p>The <em>key</em> names the event whoever sent it, so that a relay which cannot choose uuids (the PostHog SDK draws
 * a random one per call) can still be checked against the expected events: the event name, {@code distinct_id} and
 * {@code timestamp}; for a {@code $groupidentify}, which the SDK stamps with its send time, the group type and key and
 * the {@code $group_set} pairs (in any order) instead of the distinct id and timestamp.
 */
public final class ReceivedEvent {
    String name;
    long uuidHigh;
    long uuidLow;
    boolean uuidValid;
    long timestampMillis = Long.MIN_VALUE;
    long keyHigh;
    long keyLow;
    int bodyHash;

    public String name() {
        return name;
    }

    public long uuidHigh() {
        return uuidHigh;
    }

    public long uuidLow() {
        return uuidLow;
    }

    /** Whether {@code uuid} is a hyphenated UUID (otherwise PostHog may refuse the whole request). */
    public boolean uuidValid() {
        return uuidValid;
    }

    /** {@code timestamp} in epoch milliseconds, {@link Long#MIN_VALUE} when absent or unreadable. */
    public long timestampMillis() {
        return timestampMillis;
    }

    public long keyHigh() {
        return keyHigh;
    }

    public long keyLow() {
        return keyLow;
    }

    /** A hash of the whole event object, field order included: two bodies that hash differently differ. */
    public int bodyHash() {
        return bodyHash;
    }
}
