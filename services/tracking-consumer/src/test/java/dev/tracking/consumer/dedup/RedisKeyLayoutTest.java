package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The names and grouping of {@link RedisDedupStore}'s keys: no server needed. */
class RedisKeyLayoutTest {
    private final RedisKeyLayout layout = new RedisKeyLayout("tracking:", 16);

    @ParameterizedTest(name = "{0} shards")
    @ValueSource(ints = {1, 3, 16, 100, 1024})
    void eachShardsTagFallsInItsOwnEvenShareOfTheClusterSlots(int shards) {
        RedisKeyLayout sharded = new RedisKeyLayout("tracking:", shards);

        for (int shard = 0; shard < shards; shard++) {
            int slot = SlotHash.getSlot(sharded.tag(shard));
            assertThat(slot)
                    .as("shard %d of %d", shard, shards)
                    .isGreaterThanOrEqualTo(shard * 16384 / shards)
                    .isLessThan((shard + 1) * 16384 / shards);
        }
    }

    @Test
    void threeMastersWithEvenSlotRangesGetFourToSixOfSixteenShardsEach() {
        int[] perMaster = new int[3];
        for (int shard = 0; shard < 16; shard++) {
            int slot = SlotHash.getSlot(layout.tag(shard));
            perMaster[slot < 5461 ? 0 : slot < 10922 ? 1 : 2]++;
        }

        assertThat(Arrays.stream(perMaster).boxed())
                .allSatisfy(shards -> assertThat(shards).isBetween(4, 6));
    }

    @Test
    void everyKeyOfAShardHasTheShardsSlotWhateverTheKey() {
        String odd = "team {x} \"ünïcødé\"\u001fprop}{";
        int shard = layout.shardOf(odd);
        int slot = SlotHash.getSlot(layout.tag(shard));

        assertThat(SlotHash.getSlot(layout.claimKey(odd))).isEqualTo(slot);
        assertThat(SlotHash.getSlot(layout.clockKey(odd))).isEqualTo(slot);
        for (int bucket = 0; bucket < 64; bucket++) {
            assertThat(SlotHash.getSlot(layout.bucketKey(493_000, bucket)))
                    .isEqualTo(SlotHash.getSlot(layout.tag(layout.shardOfBucket(bucket))));
        }
    }

    @Test
    void namesItsKeysReadably() {
        assertThat(layout.bucketKey(493_000, 35)).isEqualTo("tracking:{" + layout.tag(3) + "}d:493000:35");
        assertThat(layout.hourKey(493_000)).isEqualTo("tracking:{m}h:493000");
        assertThat(layout.claimKey("dashboard_first_view:alice"))
                .startsWith("tracking:{")
                .endsWith("}o:dashboard_first_view:alice");
        assertThat(layout.clockKey("acme\u001fplan")).startsWith("tracking:{").endsWith("}c:acme\u001fplan");
    }

    @Test
    void anHourIsTheHourOfOccurredAtSinceTheEpoch() {
        long at = Instant.parse("2026-03-01T09:59:59.999Z").toEpochMilli();

        assertThat(RedisKeyLayout.hourOf(at)).isEqualTo(at / 3_600_000);
        assertThat(RedisKeyLayout.hourOf(at + 1)).isEqualTo(at / 3_600_000 + 1);
        assertThat(RedisKeyLayout.hourOf(-1)).isEqualTo(-1);
    }

    @Test
    void anIdIsItsSixteenBytesMostSignificantFirst() {
        UUID id = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");

        assertThat(RedisKeyLayout.field(id))
                .containsExactly(
                        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff);
    }

    /** Random (v4), time-ordered (v7) and name-based ids all spread evenly: buckets stay near the target fill. */
    @ParameterizedTest(name = "version {0} ids")
    @ValueSource(ints = {4, 7})
    void spreadsIdsEvenlyOverTheBuckets(int version) {
        int buckets = 1000;
        int[] fill = new int[buckets];
        Random random = new Random(version);
        long millis = Instant.parse("2026-03-01T09:00:00Z").toEpochMilli();
        for (int i = 0; i < 64 * buckets; i++) {
            UUID id = version == 7
                    ? new UUID((millis + i / 20) << 16 | 0x7000 | random.nextInt(0x1000), random.nextLong())
                    : UUID.randomUUID();
            fill[RedisKeyLayout.bucketOf(id, buckets)]++;
        }

        assertThat(Arrays.stream(fill).max().getAsInt())
                .as("the fullest bucket, at an average of 64: well below the listpack limit of 128")
                .isLessThan(110);
        assertThat(Arrays.stream(fill).min().getAsInt()).isGreaterThan(25);
    }

    @Test
    void spreadsClaimKeysOverAllShards() {
        Set<Integer> shards = new HashSet<>();
        for (int user = 0; user < 1000; user++) {
            shards.add(layout.shardOf("dashboard_first_view:user-" + user));
        }

        assertThat(shards).hasSize(16);
    }

    @Test
    void sizesANewHourFromTheLargestCountOfTheNearestHours() {
        long[] counts = new long[48]; // order: -1, +1, -2, +2, -3, +3, -4, ...
        counts[0] = 100_000; // the hour before
        counts[2] = 150_000; // two hours before
        counts[10] = 900_000; // six hours before: not among the nearest

        assertThat(layout.bucketsFor(counts)).isEqualTo((150_000 + 63) / 64);
    }

    @Test
    void sizesAnHourWithQuietNeighboursFromTheDayAround() {
        long[] counts = new long[48];
        counts[20] = 64_000; // eleven hours before

        assertThat(layout.bucketsFor(counts)).isEqualTo(1000);
    }

    @Test
    void givesAnHourAtLeastOneBucketPerShard() {
        assertThat(layout.bucketsFor(new long[48])).isEqualTo(16);
        long[] few = new long[48];
        few[0] = 5;
        assertThat(layout.bucketsFor(few)).isEqualTo(16);
    }

    @Test
    void givesAnHourAtMostTheLargestNumberOfBuckets() {
        long[] huge = new long[48];
        huge[0] = Long.MAX_VALUE / 2;

        assertThat(layout.bucketsFor(huge)).isEqualTo(RedisKeyLayout.MAX_BUCKETS);
    }

    @Test
    void listsTheNeighboursOfAnHourNearestFirst() {
        String[] neighbours = layout.neighbourHourKeys(1000);

        assertThat(neighbours).hasSize(48);
        assertThat(neighbours[0]).isEqualTo(layout.hourKey(999));
        assertThat(neighbours[1]).isEqualTo(layout.hourKey(1001));
        assertThat(neighbours[47]).isEqualTo(layout.hourKey(1024));
    }
}
