package dev.tracking.consumer.dedup;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The embedded default: state in this process, lost on restart. Good for one instance and for local runs; production
 * uses {@link RedisDedupStore}, which survives restarts and is shared by every instance of the group.
 *
 * <p><b>Delivered facts</b> live in primitive arrays, not in objects: a ring of {@code maxEntries} slots (the event
 * id's two {@code long}s and an {@code int} expiry in seconds: 20 bytes) in insertion order, and an open-addressing
 * index of {@code int} slot numbers (linear probing, at most 75 % full: 5.3 to 10.7 bytes per slot). At capacity that
 * is at most 31 bytes of heap per remembered fact (about 28 at the default of 1,000,000: 28 MB), checked by {@code
 * InMemoryDedupStoreTest}. The ring is allocated in chunks of 65,536 slots as it fills and the index doubles as it
 * grows, so a store that remembers little takes little. An id is remembered for the window counted from its (last)
 * mark, rounded up to the second; beyond {@code maxEntries} the oldest mark is forgotten first (marking an id again
 * makes it the newest). The {@code occurredAt} of a {@link FactKey} is not needed here: ids are unique on their own.
 *
 * <p><b>Milestone claims and group clocks</b> are small maps bounded to {@code maxEntries} keys each, the oldest
 * forgotten first.
 */
public final class InMemoryDedupStore implements DedupStore {
    static final int CHUNK = 1 << 16;
    private static final int MIN_INDEX_LENGTH = 1 << 10;
    private static final double MAX_LOAD = 0.75;

    private final Clock clock;
    private final long windowMillis;
    private final int capacity;
    private final long baseMillis;
    private final int maxIndexLength;

    // the ring: slot s lives in chunk s / CHUNK at s % CHUNK; chunks are allocated when first written
    private final long[][] msb;
    private final long[][] lsb;
    private final int[][] expirySeconds; // after baseMillis
    private long written; // slots written so far; the next is written % capacity

    // index: slot + 1 (0 = empty), at the position of the id's hash, linear probing
    private int[] index;
    private int indexed;

    private final Map<String, String> claims;
    private final Map<String, Long> clocks;

    /**
     * @param window how long a marked fact is remembered
     * @param maxEntries most facts remembered (and most claims, and most clocks); the oldest are forgotten first
     * @param clock the time of marks and lookups
     */
    public InMemoryDedupStore(Duration window, int maxEntries, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
        }
        this.clock = clock;
        this.windowMillis = window.toMillis();
        this.capacity = maxEntries;
        this.baseMillis = clock.millis();
        this.maxIndexLength = indexLengthFor(maxEntries);
        int chunks = (maxEntries + CHUNK - 1) / CHUNK;
        this.msb = new long[chunks][];
        this.lsb = new long[chunks][];
        this.expirySeconds = new int[chunks][];
        this.index = new int[Math.min(MIN_INDEX_LENGTH, maxIndexLength)];
        this.claims = bounded(maxEntries);
        this.clocks = bounded(maxEntries);
    }

    @Override
    public synchronized Set<FactKey> delivered(Collection<FactKey> facts) {
        long now = clock.millis();
        Set<FactKey> seen = new HashSet<>();
        for (FactKey fact : facts) {
            int position =
                    find(fact.eventId().getMostSignificantBits(), fact.eventId().getLeastSignificantBits());
            if (position >= 0 && isLive(index[position] - 1, now)) {
                seen.add(fact);
            }
        }
        return seen;
    }

    @Override
    public synchronized void markDelivered(Collection<FactKey> facts) {
        int expiry = expiryAfter(clock.millis());
        for (FactKey fact : facts) {
            long high = fact.eventId().getMostSignificantBits();
            long low = fact.eventId().getLeastSignificantBits();
            int position = find(high, low);
            if (position >= 0) {
                int slot = index[position] - 1;
                if (written > 0 && slot == (int) ((written - 1) % capacity)) {
                    expirySeconds[slot / CHUNK][slot % CHUNK] = expiry; // already the newest
                    continue;
                }
                removeAt(position); // its slot stays behind, dead, until the ring comes round to it
            }
            append(high, low, expiry);
        }
    }

    @Override
    public synchronized Map<String, String> claim(Map<String, String> requested) {
        Map<String, String> holders = new HashMap<>();
        requested.forEach((key, factId) -> holders.put(key, claims.computeIfAbsent(key, k -> factId)));
        return holders;
    }

    @Override
    public synchronized void release(Map<String, String> held) {
        held.forEach((key, factId) -> claims.remove(key, factId)); // only where factId holds the key
    }

    @Override
    public synchronized Map<String, Long> advance(Map<String, Long> requested) {
        Map<String, Long> previous = new HashMap<>();
        requested.forEach((key, millis) -> {
            Long before = clocks.get(key);
            if (before != null) {
                previous.put(key, before);
            }
            if (before == null || millis > before) {
                clocks.put(key, millis);
            }
        });
        return previous;
    }

    @Override
    public synchronized Map<String, Long> clocks(Collection<String> keys) {
        Map<String, Long> current = new HashMap<>();
        for (String key : keys) {
            Long at = clocks.get(key);
            if (at != null) {
                current.put(key, at);
            }
        }
        return current;
    }

    @Override
    public String description() {
        return "memory";
    }

    /** Most facts remembered: {@code maxEntries}. */
    int capacity() {
        return capacity;
    }

    /**
     * Bytes of heap held by the arrays of delivered facts now (array headers left out): the ring's chunks and the
     * index. Divided by {@link #capacity()} once the ring is full, the bytes per remembered fact.
     */
    synchronized long deliveredHeapBytes() {
        long bytes = 4L * index.length;
        for (int c = 0; c < msb.length; c++) {
            if (msb[c] != null) {
                bytes += (8L + 8L + 4L) * msb[c].length;
            }
        }
        return bytes;
    }

    /** The index length a full ring of {@code capacity} slots ends with: a power of two at most 75 % full. */
    static int indexLengthFor(int capacity) {
        long wanted = (long) Math.ceil(capacity / MAX_LOAD);
        long length = Long.highestOneBit(Math.max(1, wanted - 1)) << 1;
        if (length > 1 << 30) {
            throw new IllegalArgumentException("maxEntries " + capacity + " is too large for one index");
        }
        return (int) Math.max(length, 2);
    }

    private boolean isLive(int slot, long now) {
        return now - baseMillis < 1000L * expirySeconds[slot / CHUNK][slot % CHUNK];
    }

    /** Seconds after {@code baseMillis} at which a fact marked at {@code now} is forgotten, rounded up. */
    private int expiryAfter(long now) {
        long millis = now - baseMillis + windowMillis;
        long seconds = Math.floorDiv(millis, 1000L) + (Math.floorMod(millis, 1000L) == 0 ? 0 : 1);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, seconds));
    }

    private void append(long high, long low, int expiry) {
        int slot = (int) (written % capacity);
        int chunk = slot / CHUNK;
        int offset = slot % CHUNK;
        if (msb[chunk] == null) {
            int length = Math.min(CHUNK, capacity - chunk * CHUNK);
            msb[chunk] = new long[length];
            lsb[chunk] = new long[length];
            expirySeconds[chunk] = new int[length];
        } else if (written >= capacity) {
            // the ring came round: forget the oldest mark, unless it was marked again since (then its slot is dead)
            int position = find(msb[chunk][offset], lsb[chunk][offset]);
            if (position >= 0 && index[position] - 1 == slot) {
                removeAt(position);
            }
        }
        msb[chunk][offset] = high;
        lsb[chunk][offset] = low;
        expirySeconds[chunk][offset] = expiry;
        written++;
        if (indexed + 1 > index.length * MAX_LOAD && index.length < maxIndexLength) {
            grow();
        }
        insert(slot, high, low);
    }

    /** The index position holding the id, or -1. */
    private int find(long high, long low) {
        int mask = index.length - 1;
        for (int position = hash(high, low) & mask; ; position = (position + 1) & mask) {
            int entry = index[position];
            if (entry == 0) {
                return -1;
            }
            int slot = entry - 1;
            if (msb[slot / CHUNK][slot % CHUNK] == high && lsb[slot / CHUNK][slot % CHUNK] == low) {
                return position;
            }
        }
    }

    private void insert(int slot, long high, long low) {
        int mask = index.length - 1;
        int position = hash(high, low) & mask;
        while (index[position] != 0) {
            position = (position + 1) & mask;
        }
        index[position] = slot + 1;
        indexed++;
    }

    /** Backward-shift deletion: no tombstones, so lookups stay as short as the load allows. */
    private void removeAt(int position) {
        int mask = index.length - 1;
        int hole = position;
        for (int i = (position + 1) & mask; index[i] != 0; i = (i + 1) & mask) {
            int slot = index[i] - 1;
            int home = hash(msb[slot / CHUNK][slot % CHUNK], lsb[slot / CHUNK][slot % CHUNK]) & mask;
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                index[hole] = index[i];
                hole = i;
            }
        }
        index[hole] = 0;
        indexed--;
    }

    private void grow() {
        int[] old = index;
        index = new int[Math.min(old.length * 2, maxIndexLength)];
        indexed = 0;
        for (int entry : old) {
            if (entry != 0) {
                int slot = entry - 1;
                insert(slot, msb[slot / CHUNK][slot % CHUNK], lsb[slot / CHUNK][slot % CHUNK]);
            }
        }
    }

    private static int hash(long high, long low) {
        long h = high * 0x9E3779B97F4A7C15L ^ low;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }

    private static <V> Map<String, V> bounded(int maxEntries) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxEntries;
            }
        };
    }
}
