package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.consumer.dedup.DedupStore.FactKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
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

    /** When the facts of these tests happened (unless a test says otherwise): a recent hour. */
    static final long OCCURRED = Instant.now().minus(Duration.ofMinutes(30)).toEpochMilli();

    static final FactKey SIGNUP_ALICE = fact("signup-alice");
    static final FactKey SIGNUP_BOB = fact("signup-bob");
    static final FactKey SIGNUP_CAROL = fact("signup-carol");

    private final List<DedupStore> stores = new ArrayList<>();

    /** A fresh store, empty as far as this test can see, remembering delivered facts for {@code window}. */
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

    /** A fact with a stable event id derived from {@code name}, that happened at {@link #OCCURRED}. */
    static FactKey fact(String name) {
        return new FactKey(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)), OCCURRED);
    }

    static List<FactKey> facts(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> fact(prefix + "-" + i)).toList();
    }

    @Test
    void remembersDeliveredFactsWithinTheWindow() {
        DedupStore store = store();
        store.markDelivered(List.of(SIGNUP_ALICE, SIGNUP_BOB));

        assertThat(store.delivered(List.of(SIGNUP_ALICE, SIGNUP_BOB, SIGNUP_CAROL)))
                .containsExactlyInAnyOrder(SIGNUP_ALICE, SIGNUP_BOB);
    }

    @Test
    void forgetsDeliveredFactsAfterTheWindow() {
        Duration window = shortWindow();
        DedupStore store = store(window);
        store.markDelivered(List.of(SIGNUP_ALICE));
        assertThat(store.delivered(List.of(SIGNUP_ALICE))).containsExactly(SIGNUP_ALICE);

        letTimePass(window.multipliedBy(3).dividedBy(2));

        assertThat(store.delivered(List.of(SIGNUP_ALICE))).isEmpty();
    }

    @Test
    void markingAgainRestartsTheWindow() {
        Duration window = shortWindow();
        Duration sixTenths = window.multipliedBy(6).dividedBy(10);
        DedupStore store = store(window);
        store.markDelivered(List.of(SIGNUP_ALICE));
        letTimePass(sixTenths);
        store.markDelivered(List.of(SIGNUP_ALICE));

        letTimePass(sixTenths);
        assertThat(store.delivered(List.of(SIGNUP_ALICE)))
                .as("1.2 windows after the first mark, 0.6 after the second")
                .containsExactly(SIGNUP_ALICE);

        letTimePass(sixTenths.plus(window.dividedBy(2)));
        assertThat(store.delivered(List.of(SIGNUP_ALICE)))
                .as("1.7 windows after the second mark")
                .isEmpty();
    }

    @Test
    void countsTheWindowFromTheMarkNotFromWhenTheFactHappened() {
        Duration window = shortWindow();
        DedupStore store = store(window);
        FactKey backfilled = new FactKey(
                SIGNUP_ALICE.eventId(), OCCURRED - Duration.ofDays(10).toMillis());
        store.markDelivered(List.of(backfilled));

        letTimePass(window.multipliedBy(6).dividedBy(10));

        assertThat(store.delivered(List.of(backfilled)))
                .as("a fact that happened 10 days ago, delivered now, is remembered for the window from now")
                .containsExactly(backfilled);
    }

    @Test
    void answersEmptyBatchesWithNothing() {
        DedupStore store = store();

        store.markDelivered(List.of());
        store.release(Map.of());
        assertThat(store.clocks(List.of())).isEmpty();

        assertThat(store.delivered(List.of())).isEmpty();
        assertThat(store.claim(Map.of())).isEmpty();
        assertThat(store.advance(Map.of())).isEmpty();
    }

    @Test
    void acceptsTheSameFactTwiceInOneBatch() {
        DedupStore store = store();
        store.markDelivered(List.of(SIGNUP_ALICE, SIGNUP_ALICE));

        assertThat(store.delivered(List.of(SIGNUP_ALICE, SIGNUP_ALICE, SIGNUP_BOB)))
                .containsExactly(SIGNUP_ALICE);
    }

    @Test
    void aFactMarkedAgainIsStillRememberedOnce() {
        DedupStore store = store();
        store.markDelivered(List.of(SIGNUP_ALICE, SIGNUP_BOB));

        store.markDelivered(List.of(SIGNUP_ALICE));
        store.markDelivered(List.of(SIGNUP_CAROL, SIGNUP_ALICE));

        assertThat(store.delivered(List.of(SIGNUP_ALICE, SIGNUP_BOB, SIGNUP_CAROL)))
                .containsExactlyInAnyOrder(SIGNUP_ALICE, SIGNUP_BOB, SIGNUP_CAROL);
    }

    @Test
    void handlesABatchOfTwoThousandFactsInOneCall() {
        DedupStore store = store();
        List<FactKey> delivered = facts("delivered", 1000);
        List<FactKey> batch = new ArrayList<>(delivered);
        batch.addAll(facts("new", 1000));

        store.markDelivered(delivered);

        assertThat(store.delivered(batch)).containsExactlyInAnyOrderElementsOf(delivered);
        store.markDelivered(batch);
        assertThat(store.delivered(batch)).hasSize(2000);
    }

    @Test
    void remembersManyRandomFactsSpreadOverManyHours() {
        DedupStore store = store();
        Random random = new Random(7);
        List<FactKey> marked = new ArrayList<>();
        List<FactKey> unmarked = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < 20_000; i++) {
            FactKey fact = new FactKey(
                    new UUID(random.nextLong(), random.nextLong()),
                    now - (long) (random.nextDouble() * Duration.ofDays(9).toMillis()));
            (i % 2 == 0 ? marked : unmarked).add(fact);
        }
        for (int from = 0; from < marked.size(); from += 2000) {
            store.markDelivered(marked.subList(from, Math.min(marked.size(), from + 2000)));
        }

        List<FactKey> all = new ArrayList<>(marked);
        all.addAll(unmarked);
        assertThat(store.delivered(all)).containsExactlyInAnyOrderElementsOf(marked);
    }

    @Test
    void aFactIsKnownByItsEventIdNotByWhenItHappened() {
        DedupStore store = store();
        store.markDelivered(List.of(SIGNUP_ALICE));

        FactKey otherIdSameTime = new FactKey(SIGNUP_BOB.eventId(), SIGNUP_ALICE.occurredAtMillis());

        assertThat(store.delivered(List.of(otherIdSameTime))).isEmpty();
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
    void claimsManyKeysInOneBatch() {
        DedupStore store = store();
        Map<String, String> batch = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            batch.put("first_view:user-" + i, "view-" + i);
        }

        assertThat(store.claim(batch)).isEqualTo(batch);
        assertThat(store.claim(Map.of("first_view:user-42", "view-other")))
                .containsExactly(Map.entry("first_view:user-42", "view-42"));
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
    void theHolderReleasesItsClaimSoTheNextFactCanHoldIt() {
        DedupStore store = store();
        store.claim(Map.of("first_view:alice", "view-1", "first_view:bob", "view-2"));

        store.release(Map.of("first_view:alice", "view-1"));

        assertThat(store.claim(Map.of("first_view:alice", "view-3", "first_view:bob", "view-3")))
                .as("alice's claim was released, bob's was not")
                .containsOnly(Map.entry("first_view:alice", "view-3"), Map.entry("first_view:bob", "view-2"));
    }

    @Test
    void aFactThatDoesNotHoldTheKeyCannotReleaseIt() {
        DedupStore store = store();
        store.claim(Map.of("first_view:alice", "view-1"));

        store.release(Map.of("first_view:alice", "view-2"));

        assertThat(store.claim(Map.of("first_view:alice", "view-2")))
                .containsExactly(Map.entry("first_view:alice", "view-1"));
    }

    @Test
    void releasingAKeyNobodyHoldsChangesNothing() {
        DedupStore store = store();

        store.release(Map.of("first_view:alice", "view-1"));

        assertThat(store.claim(Map.of("first_view:alice", "view-2")))
                .containsExactly(Map.entry("first_view:alice", "view-2"));
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
    void clocksReadWithoutWriting() {
        DedupStore store = store();
        store.advance(Map.of(ACME_PLAN, 100L));

        assertThat(store.clocks(List.of(ACME_PLAN, ACME_SEATS))).containsExactly(Map.entry(ACME_PLAN, 100L));
        assertThat(store.clocks(List.of(ACME_SEATS))).isEmpty();
        assertThat(store.advance(Map.of(ACME_SEATS, 7L)))
                .as("reading created no clock")
                .isEmpty();
    }

    @Test
    void clocksFollowTheLatestAdvance() {
        DedupStore store = store();
        store.advance(Map.of(ACME_PLAN, 100L));
        store.advance(Map.of(ACME_PLAN, 300L));
        store.advance(Map.of(ACME_PLAN, 200L)); // older: ignored

        assertThat(store.clocks(List.of(ACME_PLAN))).containsExactly(Map.entry(ACME_PLAN, 300L));
    }

    @Test
    void keysAndClaimingFactIdsMayContainAnyCharacter() {
        DedupStore store = store();
        String odd = "team \"ünïcødé\" {x}*?[a]" + SEP + "prop\r\n$3\r\nSET\ttab:colon\u0000nul";
        String oddFact = "fact " + odd;

        assertThat(store.claim(Map.of(odd, oddFact))).containsExactly(Map.entry(odd, oddFact));
        assertThat(store.claim(Map.of(odd, "other"))).containsExactly(Map.entry(odd, oddFact));
        store.release(Map.of(odd, oddFact));
        assertThat(store.claim(Map.of(odd, "other"))).containsExactly(Map.entry(odd, "other"));
        store.advance(Map.of(odd, 5L));
        assertThat(store.advance(Map.of(odd, 6L, odd + SEP, 7L))).containsExactly(Map.entry(odd, 5L));
        assertThat(store.clocks(List.of(odd, odd + SEP))).containsOnly(Map.entry(odd, 6L), Map.entry(odd + SEP, 7L));
    }

    @Test
    void deliveredFactsClaimsAndClocksDoNotShareKeys() {
        DedupStore store = store();
        String id = SIGNUP_ALICE.eventId().toString();
        store.claim(Map.of(id, "fact-1"));
        store.advance(Map.of(id, 5L));

        assertThat(store.delivered(List.of(SIGNUP_ALICE))).isEmpty();

        store.markDelivered(List.of(SIGNUP_ALICE));
        assertThat(store.claim(Map.of(id, "fact-2"))).containsExactly(Map.entry(id, "fact-1"));
        assertThat(store.advance(Map.of(id, 6L))).containsExactly(Map.entry(id, 5L));
    }
}
