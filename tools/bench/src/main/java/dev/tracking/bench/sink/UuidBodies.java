package dev.tracking.bench.sink;

/**
 * Every uuid received, with a hash of the body it first came with: an open-addressing table of primitive arrays that
 * grows as needed (21 bytes a slot), so that distinct uuids can be counted over millions of events and a uuid seen
 * again with another body noticed. Not thread-safe: {@link Ledger} locks around it.
 */
final class UuidBodies {
    private long[] high;
    private long[] low;
    private int[] body;
    private boolean[] used;
    private int size;

    UuidBodies(int expected) {
        allocate(Integer.highestOneBit(Math.max(16, expected * 4 / 3) - 1) << 1);
    }

    /** What a uuid brought. */
    enum Seen {
        NEW,
        SAME_BODY,
        OTHER_BODY
    }

    Seen add(long uuidHigh, long uuidLow, int bodyHash) {
        if (size + 1 > high.length * 3 / 4) {
            grow();
        }
        int slot = slot(uuidHigh, uuidLow);
        if (used[slot]) {
            return body[slot] == bodyHash ? Seen.SAME_BODY : Seen.OTHER_BODY;
        }
        used[slot] = true;
        high[slot] = uuidHigh;
        low[slot] = uuidLow;
        body[slot] = bodyHash;
        size++;
        return Seen.NEW;
    }

    int size() {
        return size;
    }

    void clear() {
        allocate(Math.min(high.length, 1 << 16));
    }

    private int slot(long uuidHigh, long uuidLow) {
        int mask = high.length - 1;
        int slot = (int) KeyHash.mix(uuidHigh * 31 + uuidLow) & mask;
        while (used[slot] && (high[slot] != uuidHigh || low[slot] != uuidLow)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void allocate(int capacity) {
        high = new long[capacity];
        low = new long[capacity];
        body = new int[capacity];
        used = new boolean[capacity];
        size = 0;
    }

    private void grow() {
        long[] oldHigh = high;
        long[] oldLow = low;
        int[] oldBody = body;
        boolean[] oldUsed = used;
        allocate(oldHigh.length * 2);
        for (int i = 0; i < oldHigh.length; i++) {
            if (oldUsed[i]) {
                int slot = slot(oldHigh[i], oldLow[i]);
                used[slot] = true;
                high[slot] = oldHigh[i];
                low[slot] = oldLow[i];
                body[slot] = oldBody[i];
                size++;
            }
        }
    }
}
