package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DedupStore} promises, run against each implementation by a subclass that says how to make a fresh
 * empty store and how to let time pass.
 */
abstract class DedupStoreContract {
    /** The separator {@link StateFilter} puts between a team and a property in a group clock key. */
    static final String SEP = "\u001f";

    static final String ACME_PLAN = "acme" + SEP + "plan";
    static final String ACME_SEATS = "acme" + SEP + "seats";

    private final List<DedupStore> stores = new ArrayList<>();

    /** A fresh store, empty as far as this test can see, remembering delivered ids for {@code window}. */
    protected abstract DedupStore newStore(Duration window);

    /** Lets at least {@code duration} pass for the stores of this test. */
    protected abstract void letTimePass(Duration duration);

    /** The window of the expiry tests: short when time passes for real. */
    protected abstract Duration shortWindow();

    /** A store closed after the test. */
    protected final DedupStore store(Duration window) {
        DedupStore store = newStore(window);
        stores.add(store);
        return store;
    }

    protected final DedupStore store() {
        return store(Duration.ofDays(7));
    }

    @AfterEach
    void closeStores() {
        stores.forEach(DedupStore::close);
    }

    static List<String> factIds(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    @Test
    void remembersDeliveredIdsWithinTheWindow() {
        DedupStore store = store();
        LegacyIds.markDelivered(store, List.of("signup-alice", "signup-bob"));

        assertThat(LegacyIds.delivered(store, List.of("signup-alice", "signup-bob", "signup-carol")))
                .containsExactlyInAnyOrder("signup-alice", "signup-bob");
    }

    @Test
    void forgetsDeliveredIdsAfterTheWindow() {
        Duration window = shortWindow();
        DedupStore store = store(window);
        LegacyIds.markDelivered(store, List.of("signup-alice"));
        assertThat(LegacyIds.delivered(store, List.of("signup-alice"))).containsExactly("signup-alice");

        letTimePass(window.plusMillis(50));

        assertThat(LegacyIds.delivered(store, List.of("signup-alice"))).isEmpty();
    }

    @Test
    void markingAgainRestartsTheWindow() {
        Duration window = shortWindow();
        Duration sixTenths = window.multipliedBy(6).dividedBy(10);
        DedupStore store = store(window);
        LegacyIds.markDelivered(store, List.of("signup-alice"));
        letTimePass(sixTenths);
        LegacyIds.markDelivered(store, List.of("signup-alice"));

        letTimePass(sixTenths);
        assertThat(LegacyIds.delivered(store, List.of("signup-alice")))
                .as("1.2 windows after the first mark, 0.6 after the second")
                .containsExactly("signup-alice");

        letTimePass(sixTenths);
        assertThat(LegacyIds.delivered(store, List.of("signup-alice")))
                .as("1.2 windows after the second mark")
                .isEmpty();
    }

    @Test
    void answersEmptyBatchesWithNothing() {
        DedupStore store = store();

        LegacyIds.markDelivered(store, List.of());

        assertThat(LegacyIds.delivered(store, List.of())).isEmpty();
        assertThat(store.claim(Map.of())).isEmpty();
        assertThat(store.advance(Map.of())).isEmpty();
    }

    @Test
    void acceptsTheSameIdTwiceInOneBatch() {
        DedupStore store = store();
        LegacyIds.markDelivered(store, List.of("signup-alice", "signup-alice"));

        assertThat(LegacyIds.delivered(store, List.of("signup-alice", "signup-alice", "signup-bob")))
                .containsExactly("signup-alice");
    }

    @Test
    void handlesABatchOfTwoThousandIdsInOneCall() {
        DedupStore store = store();
        List<String> delivered = factIds("delivered", 1000);
        List<String> batch = new ArrayList<>(delivered);
        batch.addAll(factIds("new", 1000));

        LegacyIds.markDelivered(store, delivered);

        assertThat(LegacyIds.delivered(store, batch)).containsExactlyInAnyOrderElementsOf(delivered);
        LegacyIds.markDelivered(store, batch);
        assertThat(LegacyIds.delivered(store, batch)).hasSize(2000);
    }

    @Test
    void theFirstClaimHoldsTheKey() {
        DedupStore store = store();

        assertThat(store.claim(Map.of("dashboard_first_view:alice", "view-1")))
                .containsExactly(Map.entry("dashboard_first_view:alice", "view-1"));
        assertThat(store.claim(Map.of("dashboard_first_view:alice", "view-2")))
                .as("a later fact learns the first one holds the key")
                .containsExactly(Map.entry("dashboard_first_view:alice", "view-1"));
    }

    @Test
    void theHolderClaimingAgainGetsItsOwnClaimBack() {
        DedupStore store = store();
        store.claim(Map.of("dashboard_first_view:alice", "view-1"));
        store.claim(Map.of("dashboard_first_view:alice", "view-2"));

        assertThat(store.claim(Map.of("dashboard_first_view:alice", "view-1")))
                .as("the re-delivered first fact still holds the key, so it sends the milestone again")
                .containsExactly(Map.entry("dashboard_first_view:alice", "view-1"));
    }

    @Test
    void claimsNewAndHeldKeysInOneBatch() {
        DedupStore store = store();
        store.claim(Map.of("first_view:alice", "view-1"));
        Map<String, String> batch = new LinkedHashMap<>();
        batch.put("first_view:alice", "view-7");
        batch.put("first_view:bob", "view-8");

        assertThat(store.claim(batch))
                .containsOnly(Map.entry("first_view:alice", "view-1"), Map.entry("first_view:bob", "view-8"));
    }

    @Test
    void claimsOutliveTheDeliveredWindow() {
        Duration window = shortWindow();
        DedupStore store = store(window);
        store.claim(Map.of("first_view:alice", "view-1"));

        letTimePass(window.multipliedBy(2));

        assertThat(store.claim(Map.of("first_view:alice", "view-2")))
                .containsExactly(Map.entry("first_view:alice", "view-1"));
    }

    @Test
    void advanceReturnsPreviousClocksAndNothingForNewKeys() {
        DedupStore store = store();
        assertThat(store.advance(Map.of(ACME_PLAN, 100L))).isEmpty();

        assertThat(store.advance(Map.of(ACME_PLAN, 200L, ACME_SEATS, 150L)))
                .containsExactly(Map.entry(ACME_PLAN, 100L));
        assertThat(store.advance(Map.of(ACME_PLAN, 300L, ACME_SEATS, 300L)))
                .containsOnly(Map.entry(ACME_PLAN, 200L), Map.entry(ACME_SEATS, 150L));
    }

    @Test
    void advanceNeverLowersAClock() {
        DedupStore store = store();
        store.advance(Map.of(ACME_PLAN, 1_700_000_000_200L));

        assertThat(store.advance(Map.of(ACME_PLAN, 1_700_000_000_100L)))
                .as("an older update sees the newer clock")
                .containsExactly(Map.entry(ACME_PLAN, 1_700_000_000_200L));
        assertThat(store.advance(Map.of(ACME_PLAN, 1_700_000_000_150L)))
                .as("and did not lower it")
                .containsExactly(Map.entry(ACME_PLAN, 1_700_000_000_200L));
    }

    @Test
    void advanceToTheSameTimeKeepsTheClock() {
        DedupStore store = store();
        store.advance(Map.of(ACME_PLAN, 100L));

        assertThat(store.advance(Map.of(ACME_PLAN, 100L))).containsExactly(Map.entry(ACME_PLAN, 100L));
        assertThat(store.advance(Map.of(ACME_PLAN, 101L))).containsExactly(Map.entry(ACME_PLAN, 100L));
    }

    @Test
    void keysAndIdsMayContainAnyCharacter() {
        DedupStore store = store();
        String odd = "team \"ünïcødé\" {x}*?[a]" + SEP + "prop\r\n$3\r\nSET\ttab:colon\u0000nul";
        String oddFact = "fact " + odd;

        LegacyIds.markDelivered(store, List.of(oddFact));
        assertThat(LegacyIds.delivered(store, List.of(oddFact, odd))).containsExactly(oddFact);
        assertThat(store.claim(Map.of(odd, oddFact))).containsExactly(Map.entry(odd, oddFact));
        assertThat(store.claim(Map.of(odd, "other"))).containsExactly(Map.entry(odd, oddFact));
        store.advance(Map.of(odd, 5L));
        assertThat(store.advance(Map.of(odd, 6L, odd + SEP, 7L))).containsExactly(Map.entry(odd, 5L));
    }

    @Test
    void deliveredIdsClaimsAndClocksDoNotShareKeys() {
        DedupStore store = store();
        store.claim(Map.of("x", "fact-1"));
        store.advance(Map.of("x", 5L));

        assertThat(LegacyIds.delivered(store, List.of("x", "fact-1"))).isEmpty();

        LegacyIds.markDelivered(store, List.of("x"));
        assertThat(store.claim(Map.of("x", "fact-2"))).containsExactly(Map.entry("x", "fact-1"));
        assertThat(store.advance(Map.of("x", 6L))).containsExactly(Map.entry("x", 5L));
    }
}
