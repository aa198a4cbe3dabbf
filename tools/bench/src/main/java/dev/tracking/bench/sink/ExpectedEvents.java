package dev.tracking.bench.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The events a relay should deliver for the benchmark's data, by {@link ReceivedEvent key}, and what was received of
 * each: an open-addressing table of primitive arrays (29 bytes a slot, 2^21 slots for a million facts), so that
 * checking millions of events keeps no strings. Not thread-safe: {@link Ledger} locks around it; filled before the
 * scenarios start.
 */
public final class ExpectedEvents {
    private static final float LOAD = 0.6f;

    private long[] keyHigh;
    private long[] keyLow;
    private int[] fact;
    private byte[] name;
    private int[] received;
    private int[] firstUuid;
    private int mask;
    private final List<String> names = new ArrayList<>();
    private final BitSet factsSeen;
    private int size;
    private int collisions;
    private int factCount;

    /** A table sized for about {@code events} events (it grows when more are expected). */
    public ExpectedEvents(int events) {
        allocate(Integer.highestOneBit(Math.max(16, (int) (events / LOAD)) - 1) << 1);
        factsSeen = new BitSet();
    }

    private void allocate(int capacity) {
        keyHigh = new long[capacity];
        keyLow = new long[capacity];
        fact = new int[capacity];
        name = new byte[capacity];
        received = new int[capacity];
        firstUuid = new int[capacity];
        mask = capacity - 1;
    }

    private void grow() {
        long[] oldHigh = keyHigh;
        long[] oldLow = keyLow;
        int[] oldFact = fact;
        byte[] oldName = name;
        allocate(oldHigh.length * 2);
        for (int i = 0; i < oldHigh.length; i++) {
            if (oldLow[i] != 0) {
                int slot = slot(oldHigh[i], oldLow[i]);
                keyHigh[slot] = oldHigh[i];
                keyLow[slot] = oldLow[i];
                fact[slot] = oldFact[i];
                name[slot] = oldName[i];
            }
        }
    }

    /** An empty table (for runs with no expectation, such as live traffic). */
    public static ExpectedEvents none() {
        return new ExpectedEvents(0);
    }

    /**
     * Expects the event {@code event} (its key and name) of fact number {@code factIndex}; a second event with the
     * same key is counted as a collision and not added.
     */
    public void expect(ReceivedEvent event, int factIndex) {
        if (size + 1 > (mask + 1) * LOAD) {
            grow();
        }
        int slot = slot(event.keyHigh, event.keyLow);
        if (keyLow[slot] != 0) {
            collisions++;
            return;
        }
        keyHigh[slot] = event.keyHigh;
        keyLow[slot] = event.keyLow;
        fact[slot] = factIndex;
        name[slot] = nameId(event.name);
        size++;
        factCount = Math.max(factCount, factIndex + 1);
    }

    /** What became of one received event. */
    public enum Outcome {
        /** the first time this expected event arrived */
        FIRST,
        /** it arrived before with the same uuid (an exact repeat, or the same uuid with another body) */
        REPEAT_SAME_UUID,
        /** it arrived before under another uuid: PostHog cannot merge the two, analysts count it twice */
        REPEAT_NEW_UUID,
        /** no expected event has its key */
        UNEXPECTED
    }

    /** Records one received event. {@code factFirstSeen} is set when it is the first event of its fact. */
    Outcome receive(ReceivedEvent event, boolean[] factFirstSeen) {
        factFirstSeen[0] = false;
        int slot = slot(event.keyHigh, event.keyLow);
        if (keyLow[slot] == 0) {
            return Outcome.UNEXPECTED;
        }
        int uuidHash = (int) (KeyHash.mix(event.uuidHigh ^ event.uuidLow) >>> 16);
        if (received[slot]++ == 0) {
            firstUuid[slot] = uuidHash;
            if (!factsSeen.get(fact[slot])) {
                factsSeen.set(fact[slot]);
                factFirstSeen[0] = true;
            }
            return Outcome.FIRST;
        }
        if (received[slot] < 0) {
            received[slot] = Integer.MAX_VALUE;
        }
        return firstUuid[slot] == uuidHash ? Outcome.REPEAT_SAME_UUID : Outcome.REPEAT_NEW_UUID;
    }

    /** Forgets what was received (before the next scenario); the expectation stays. */
    void clearReceived() {
        Arrays.fill(received, 0);
        factsSeen.clear();
    }

    /** Number of expected events. */
    public int size() {
        return size;
    }

    /** Number of facts the expected events come from. */
    public int facts() {
        return factCount;
    }

    /** Events that had the key of one already expected (should be zero: the key would not tell them apart). */
    public int collisions() {
        return collisions;
    }

    /** Expected events never received, by event name. */
    Map<String, Integer> missingByName() {
        Map<String, Integer> missing = new TreeMap<>();
        for (int slot = 0; slot <= mask; slot++) {
            if (keyLow[slot] != 0 && received[slot] == 0) {
                missing.merge(names.get(name[slot]), 1, Integer::sum);
            }
        }
        return missing;
    }

    private int slot(long high, long low) {
        int slot = (int) KeyHash.mix(high ^ low * 31) & mask;
        while (keyLow[slot] != 0 && (keyHigh[slot] != high || keyLow[slot] != low)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private byte nameId(String eventName) {
        String known = eventName == null ? "(none)" : eventName;
        int id = names.indexOf(known);
        if (id < 0) {
            if (names.size() == 127) {
                known = "(other)";
                id = names.indexOf(known);
            }
            if (id < 0) {
                names.add(known);
                id = names.size() - 1;
            }
        }
        return (byte) id;
    }
}
