package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
    void remembersAnIdUntilTheLastMillisecondOfTheWindow() {
        DedupStore store = store(Duration.ofHours(1));
        LegacyIds.markDelivered(store, List.of("signup-alice"));

        clock.move(Duration.ofHours(1).minusMillis(1));
        assertThat(LegacyIds.delivered(store, List.of("signup-alice"))).containsExactly("signup-alice");

        clock.move(Duration.ofMillis(1));
        assertThat(LegacyIds.delivered(store, List.of("signup-alice"))).isEmpty();
    }

    @Test
    void forgetsTheOldestDeliveredIdsBeyondMaxEntries() {
        InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), 3, clock);

        LegacyIds.markDelivered(store, List.of("fact-1", "fact-2", "fact-3", "fact-4"));

        assertThat(LegacyIds.delivered(store, List.of("fact-1", "fact-2", "fact-3", "fact-4")))
                .containsExactlyInAnyOrder("fact-2", "fact-3", "fact-4");
    }

    @Test
    void markingAnIdAgainMakesItTheNewest() {
        InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), 3, clock);
        LegacyIds.markDelivered(store, List.of("fact-1", "fact-2", "fact-3"));

        LegacyIds.markDelivered(store, List.of("fact-1"));
        LegacyIds.markDelivered(store, List.of("fact-4"));

        assertThat(LegacyIds.delivered(store, List.of("fact-1", "fact-2", "fact-3", "fact-4")))
                .containsExactlyInAnyOrder("fact-1", "fact-3", "fact-4");
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
