package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.consumer.dedup.DedupStore.FactKey;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InMemoryDedupStoreTest extends DedupStoreContract {
    private final MovableClock clock = new MovableClock(Instant.parse("2025-03-01T09:00:00Z"));

    @Override
    protected DedupStore newStore(Duration window) {
        return new InMemoryDedupStore(window, 1_000_000, clock);
    }

    @Override
    protected void letTimePass(Duration duration) {
        clock.move(duration);
    }

    @Override
    protected Duration shortWindow() {
        return Duration.ofHours(1);
    }

    @Test
    void remembersAFactForTheWholeWindowAndForgetsItWithinASecondAfter() {
        DedupStore store = store(Duration.ofHours(1));
        clock.move(Duration.ofMillis(300));
        store.markDelivered(List.of(SIGNUP_ALICE));

        clock.move(Duration.ofHours(1).minusMillis(1));
        assertThat(store.delivered(List.of(SIGNUP_ALICE))).containsExactly(SIGNUP_ALICE);

        clock.move(Duration.ofSeconds(1));
        assertThat(store.delivered(List.of(SIGNUP_ALICE))).isEmpty();
    }

    @Test
    void forgetsTheOldestDeliveredFactsBeyondMaxEntries() {
        InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), 3, clock);
        List<FactKey> four = facts("fact", 4);

        store.markDelivered(four);

        assertThat(store.delivered(four)).containsExactlyInAnyOrderElementsOf(four.subList(1, 4));
    }

    @Test
    void markingAFactAgainMakesItTheNewest() {
        InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), 3, clock);
        List<FactKey> four = facts("fact", 4);
        store.markDelivered(four.subList(0, 3));

        store.markDelivered(List.of(four.get(0)));
        store.markDelivered(List.of(four.get(3)));

        assertThat(store.delivered(four)).containsExactlyInAnyOrder(four.get(0), four.get(2), four.get(3));
    }

    /**
     * The ring and its index (open addressing, deletion by backward shift) agree with a plain model through many wraps:
     * a fact is remembered while its latest mark is among the last {@code maxEntries} slots written (a mark of the
     * newest fact again reuses its slot; any other repeat takes a new slot and leaves the old one dead).
     */
    @ParameterizedTest(name = "max-entries {0}")
    @ValueSource(ints = {1, 7, 1000, 5000})
    void remembersTheFactsOfTheLastMaxEntriesSlotsThroughManyWrapsOfTheRing(int maxEntries) {
        InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), maxEntries, clock);
        Random random = new Random(maxEntries);
        List<FactKey> pool = new ArrayList<>();
        for (int i = 0; i < maxEntries * 3 + 10; i++) {
            pool.add(new FactKey(new UUID(random.nextLong(), random.nextLong()), 0));
        }
        Map<FactKey, Long> latestSlot = new HashMap<>();
        long written = 0;
        for (int round = 0; round < 20; round++) {
            List<FactKey> batch = new ArrayList<>();
            for (int i = 0; i < maxEntries / 2 + 1; i++) {
                batch.add(pool.get(random.nextInt(pool.size())));
            }
            store.markDelivered(batch);
            for (FactKey fact : batch) {
                Long latest = latestSlot.get(fact);
                if (latest == null || latest != written - 1) {
                    latestSlot.put(fact, written++);
                }
            }
            long oldestKept = written - maxEntries;
            Set<FactKey> expected = new HashSet<>();
            latestSlot.forEach((fact, slot) -> {
                if (slot >= oldestKept) {
                    expected.add(fact);
                }
            });

            assertThat(store.delivered(pool)).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void takesAtMost31BytesOfHeapPerRememberedFactAtCapacity() {
        for (int maxEntries : new int[] {1000, 1_000_000, 1_572_864, 1_572_865, 3_000_000}) {
            int indexLength = InMemoryDedupStore.indexLengthFor(maxEntries);
            double bytesPerFact = (20.0 * maxEntries + 4.0 * indexLength) / maxEntries;
            assertThat(bytesPerFact).as("max-entries %d", maxEntries).isLessThanOrEqualTo(31.0);
            assertThat(indexLength * 0.75).as("index at most 75 %% full").isGreaterThanOrEqualTo(maxEntries);
        }
    }

    /** Not a timing assertion: the heap a full store of a million facts holds, printed for the record. */
    @Test
    void measuresTheHeapOfAMillionRememberedFacts() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), 1_000_000, Clock.systemUTC());
        Random random = new Random(1);
        List<FactKey> batch = new ArrayList<>(2000);
        for (int i = 0; i < 1_000_000; i++) {
            batch.add(new FactKey(new UUID(random.nextLong(), random.nextLong()), 0));
            if (batch.size() == 2000) {
                store.markDelivered(batch);
                batch.clear();
            }
        }
        System.gc();
        long after = memory.getHeapMemoryUsage().getUsed();

        long arrays = store.deliveredHeapBytes();
        System.out.printf(
                "InMemoryDedupStore, 1,000,000 remembered facts: arrays %d bytes (%.1f per fact); heap used %d ->"
                        + " %d bytes (%.1f per fact, measured after System.gc(), approximate)%n",
                arrays, arrays / 1e6, before, after, (after - before) / 1e6);
        assertThat(arrays / 1e6).isLessThanOrEqualTo(31.0);
        assertThat(store.delivered(List.of(batch.isEmpty() ? new FactKey(new UUID(0, 0), 0) : batch.get(0))))
                .isEmpty();
    }

    @Test
    void allocatesTheRingInChunksAsItFills() {
        InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), 1_000_000, clock);
        long empty = store.deliveredHeapBytes();

        store.markDelivered(facts("fact", 10));

        assertThat(empty).as("an empty store holds only the smallest index").isEqualTo(4L * 1024);
        assertThat(store.deliveredHeapBytes())
                .as("one chunk of %d slots", InMemoryDedupStore.CHUNK)
                .isEqualTo(4L * 1024 + 20L * InMemoryDedupStore.CHUNK);
    }

    @Test
    void forgetsTheOldestClaimsBeyondMaxEntries() {
        InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), 2, clock);
        store.claim(Map.of("first_view:alice", "view-1"));
        store.claim(Map.of("first_view:bob", "view-2"));
        store.claim(Map.of("first_view:carol", "view-3"));

        assertThat(store.claim(Map.of("first_view:alice", "view-9")))
                .as("alice's claim was the oldest, so it was forgotten")
                .containsExactly(Map.entry("first_view:alice", "view-9"));
        assertThat(store.claim(Map.of("first_view:carol", "view-9")))
                .containsExactly(Map.entry("first_view:carol", "view-3"));
    }

    @Test
    void forgetsTheOldestClocksBeyondMaxEntries() {
        InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), 2, clock);
        store.advance(Map.of("acme" + SEP + "plan", 100L));
        store.advance(Map.of("acme" + SEP + "seats", 100L));
        store.advance(Map.of("globex" + SEP + "plan", 100L));

        assertThat(store.advance(Map.of("acme" + SEP + "plan", 50L))).isEmpty();
        assertThat(store.advance(Map.of("globex" + SEP + "plan", 50L)))
                .containsExactly(Map.entry("globex" + SEP + "plan", 100L));
    }

    @Test
    void describesItselfAsMemory() {
        assertThat(store().description()).isEqualTo("memory");
    }

    /** A clock that stands still until a test moves it. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void move(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this; // the store reads only instants and millis, which no zone changes
        }
    }
}
