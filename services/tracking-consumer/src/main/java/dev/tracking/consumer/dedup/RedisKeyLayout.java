package dev.tracking.consumer.dedup;

import io.lettuce.core.cluster.SlotHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Where {@link RedisDedupStore} keeps what: the names of its keys and which facts share a key. Everything here is part
 * of the stored format: changing a name, a hash or the number of shards makes the store forget what it remembered.
 *
 * <p><b>Shards.</b> Every key carries a hash tag, {@code <prefix>{<tag>}...}, chosen from {@code shards} tags (16 by
 * default) whose cluster slots are spread evenly over the 16384 slots, so that a cluster with slots split evenly
 * among its masters gets an even share of the keys on each. Keys of one shard share a slot, so one Redis command (one
 * Lua script) can touch all of a batch's keys of that shard: an operation is at most one command per shard, even in a
 * Redis Cluster, which refuses commands across slots.
 *
 * <p><b>Delivered facts</b> are fields of small hashes: the event id as 16 binary bytes, the value {@code "1"}. The
 * hash holding a fact is chosen by the hour of its {@code occurred_at} (a re-published fact repeats it) and a hash of
 * its id into the hour's number of buckets: {@code <prefix>{<tag>}d:<hour>:<bucket>}, bucket in {@code [0, buckets)},
 * shard = bucket modulo shards. The number of buckets of an hour is decided once, when the first fact of that hour is
 * marked, and kept in the hour's meta hash {@code <prefix>{m}h:<hour>} (fields {@code n}: buckets, {@code c}: facts
 * marked), so that every instance and every lookup agrees. It aims at {@value #TARGET_FILL} facts per bucket, half of
 * Redis' default {@code hash-max-listpack-entries} of 128, under which a hash is a compact listpack: see {@link
 * #bucketsFor}.
 *
 * <p><b>Claims and clocks</b> are plain strings, {@code <prefix>{<tag>}o:<key>} (the holding fact's id) and {@code
 * <prefix>{<tag>}c:<key>} (epoch milliseconds), shard chosen by a hash of the key.
 */
final class RedisKeyLayout {
    /** Facts per bucket the number of buckets of an hour aims at. */
    static final int TARGET_FILL = 64;
    /** Most buckets of one hour (about a billion facts an hour at the target fill). */
    static final int MAX_BUCKETS = 1 << 24;
    /** Hours either side of a new hour whose counts decide its number of buckets. */
    static final int NEIGHBOUR_HOURS = 24;
    /** Of those, the nearest hours preferred when any of them has a count. */
    static final int NEAR_HOURS = 3;

    private static final long HOUR_MILLIS = 3_600_000L;
    private static final int SLOTS = SlotHash.SLOT_COUNT;

    private final String prefix;
    private final String[] tags;
    private final String metaTag;

    /**
     * @param prefix the prefix of every key (no braces: the key's hash tag must be ours)
     * @param shards how many hash-tag groups, 1 to 1024
     */
    RedisKeyLayout(String prefix, int shards) {
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("tracking.dedup.redis.key-prefix=" + prefix
                    + " must not contain '{' or '}': the store puts a cluster hash tag in every key");
        }
        if (shards < 1 || shards > 1024) {
            throw new IllegalArgumentException(
                    "tracking.dedup.redis.shards=" + shards + " must be between 1 and 1024, such as 16");
        }
        this.prefix = prefix;
        this.tags = new String[shards];
        for (int shard = 0; shard < shards; shard++) {
            tags[shard] = tagInSlotRange(shard * SLOTS / shards, (shard + 1) * SLOTS / shards);
        }
        this.metaTag = "m";
    }

    int shards() {
        return tags.length;
    }

    /** The hash tag of {@code shard}, whose slot lies in the shard's even share of the slots. */
    String tag(int shard) {
        return tags[shard];
    }

    /** The hour of {@code occurred_at}: hours since the epoch. */
    static long hourOf(long occurredAtMillis) {
        return Math.floorDiv(occurredAtMillis, HOUR_MILLIS);
    }

    /** The bucket of {@code eventId} among {@code buckets}. */
    static int bucketOf(UUID eventId, int buckets) {
        return (int) Math.floorMod(mix(eventId.getMostSignificantBits(), eventId.getLeastSignificantBits()), buckets);
    }

    int shardOfBucket(int bucket) {
        return bucket % tags.length;
    }

    /** The shard of a claim or clock key. */
    int shardOf(String key) {
        long hash = 0xcbf29ce484222325L; // FNV-1a over the UTF-8 bytes, then mixed
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return (int) Math.floorMod(mix(hash, 0), tags.length);
    }

    /** {@code <prefix>{<tag>}d:<hour>:<bucket>}. */
    String bucketKey(long hour, int bucket) {
        return prefix + "{" + tags[shardOfBucket(bucket)] + "}d:" + hour + ":" + bucket;
    }

    /** {@code <prefix>{m}h:<hour>}: the hour's number of buckets ({@code n}) and count of marks ({@code c}). */
    String hourKey(long hour) {
        return prefix + "{" + metaTag + "}h:" + hour;
    }

    /**
     * The meta keys whose counts decide the number of buckets of {@code hour}, nearest first: {@code hour - 1, hour +
     * 1, hour - 2, hour + 2, ...} up to {@value #NEIGHBOUR_HOURS} hours away.
     */
    String[] neighbourHourKeys(long hour) {
        String[] keys = new String[2 * NEIGHBOUR_HOURS];
        for (int distance = 1; distance <= NEIGHBOUR_HOURS; distance++) {
            keys[2 * distance - 2] = hourKey(hour - distance);
            keys[2 * distance - 1] = hourKey(hour + distance);
        }
        return keys;
    }

    /** {@code <prefix>{<tag>}o:<key>}. */
    String claimKey(String key) {
        return prefix + "{" + tags[shardOf(key)] + "}o:" + key;
    }

    /** {@code <prefix>{<tag>}c:<key>}. */
    String clockKey(String key) {
        return prefix + "{" + tags[shardOf(key)] + "}c:" + key;
    }

    /** The event id as a hash field: its 16 bytes, most significant first. */
    static byte[] field(UUID eventId) {
        return ByteBuffer.allocate(16)
                .putLong(eventId.getMostSignificantBits())
                .putLong(eventId.getLeastSignificantBits())
                .array();
    }

    /**
     * The number of buckets of a new hour, from the facts marked in the hours around it ({@code counts} in the order
     * of {@link #neighbourHourKeys}; 0 where an hour has none): the largest count of the {@value #NEAR_HOURS} nearest
     * hours either side, or when they have none (a quiet night, a backfill's first hour) of the {@value
     * #NEIGHBOUR_HOURS} hours either side, divided by {@value #TARGET_FILL} and rounded up; at least one bucket per
     * shard, at most {@value #MAX_BUCKETS}. The nearest hours follow the traffic of the day; taking the largest makes
     * room for growth, and for an hour still filling while a new one starts (partitions are not in step). With no
     * count at all (the first hour a store ever marks, or after a day without facts) it is one bucket per shard: at a
     * high rate that hour's buckets outgrow the listpack and Redis converts them to hash tables (correct, about 82
     * instead of 24 bytes per fact, for that hour only).
     */
    int bucketsFor(long[] counts) {
        long basis = 0;
        for (int i = 0; i < Math.min(2 * NEAR_HOURS, counts.length); i++) {
            basis = Math.max(basis, counts[i]);
        }
        if (basis == 0) {
            for (long count : counts) {
                basis = Math.max(basis, count);
            }
        }
        long buckets = (basis + TARGET_FILL - 1) / TARGET_FILL;
        return (int) Math.min(MAX_BUCKETS, Math.max(tags.length, buckets));
    }

    private static String tagInSlotRange(int from, int to) {
        for (int candidate = 0; ; candidate++) {
            String tag = Integer.toString(candidate);
            int slot = SlotHash.getSlot(tag);
            if (slot >= from && slot < to) {
                return tag;
            }
        }
    }

    private static long mix(long high, long low) {
        long h = high * 0x9E3779B97F4A7C15L ^ low;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
