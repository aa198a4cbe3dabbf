package dev.tracking.consumer.dedup;

import static dev.tracking.testkit.fixtures.FactFixtures.ALICE;
import static dev.tracking.testkit.fixtures.FactFixtures.BOB;
import static dev.tracking.testkit.fixtures.FactFixtures.dashboardViewBy;
import static dev.tracking.testkit.fixtures.FactFixtures.minutesLater;
import static dev.tracking.testkit.fixtures.FactFixtures.subscriptionCancelled;
import static dev.tracking.testkit.fixtures.FactFixtures.subscriptionStarted;
import static dev.tracking.testkit.fixtures.FactFixtures.teamRenamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.consumer.config.DedupProperties.OnUnavailable;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.PostHogEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class StateFilterTest {
    private final InMemoryDedupStore store = new InMemoryDedupStore(Duration.ofDays(7), 10_000, Clock.systemUTC());
    private final StateFilter filter = new StateFilter(store, OnUnavailable.PAUSE);

    @Test
    void dashboardFirstViewIsSentForTheFirstViewOfEachUserOnly() {
        List<String> first = names(filter.filter(events(dashboardViewBy(ALICE, 1), dashboardViewBy(BOB, 2))));
        List<String> later = names(filter.filter(events(dashboardViewBy(ALICE, 3))));

        assertThat(first)
                .containsExactly(
                        "dashboard_viewed", "dashboard_first_view", "dashboard_viewed", "dashboard_first_view");
        assertThat(later).containsExactly("dashboard_viewed");
    }

    @Test
    void aRedeliveredFirstViewStillCarriesTheMilestoneIdentically() {
        List<PostHogEvent> original =
                filter.filter(events(dashboardViewBy(ALICE, 1))).events();
        filter.filter(events(dashboardViewBy(ALICE, 2)));

        List<PostHogEvent> redelivered =
                filter.filter(events(dashboardViewBy(ALICE, 1))).events();

        assertThat(redelivered)
                .extracting(PostHogEvent::jsonText)
                .containsExactlyElementsOf(
                        original.stream().map(PostHogEvent::jsonText).toList());
    }

    @Test
    void twoViewsOfOneUserInOneBatchYieldOneMilestone() {
        StateFilter.Filtered filtered = filter.filter(events(dashboardViewBy(BOB, 1), dashboardViewBy(BOB, 2)));

        assertThat(names(filtered)).containsExactly("dashboard_viewed", "dashboard_first_view", "dashboard_viewed");
        assertThat(filtered.dropped().milestones()).isEqualTo(1);
    }

    @Test
    void aGroupUpdateOlderThanTheLastAppliedIsDropped() {
        filter.filter(events(teamRenamed("Acme New", minutesLater(10))));

        StateFilter.Filtered late = filter.filter(events(teamRenamed("Acme Old", minutesLater(5))));

        assertThat(late.events()).isEmpty();
        assertThat(late.dropped().staleGroupEvents()).isEqualTo(1);
    }

    @Test
    void onlyTheStalePropertiesOfAGroupUpdateAreDropped() throws IOException {
        filter.filter(events(subscriptionCancelled(minutesLater(20))));

        List<PostHogEvent> lateStart = filter.filter(events(subscriptionStarted("team", 5, minutesLater(10))))
                .events();

        PostHogEvent update = lateStart.stream()
                .filter(e -> e.event().equals("$groupidentify"))
                .findFirst()
                .orElseThrow();
        JsonNode groupSet =
                new ObjectMapper().readTree(update.json()).path("properties").path("$group_set");
        assertThat(groupSet.has("subscription_status"))
                .as("status cancelled later must stay")
                .isFalse();
        assertThat(groupSet.path("plan").asText()).isEqualTo("team");
        assertThat(groupSet.path("seats").asInt()).isEqualTo(5);
        assertThat(names(lateStart)).contains("subscription_started");
    }

    @Test
    void withinOneBatchAnOlderUpdateAfterANewerOneIsDropped() {
        StateFilter.Filtered filtered = filter.filter(
                events(teamRenamed("Acme New", minutesLater(10)), teamRenamed("Acme Old", minutesLater(5))));

        assertThat(filtered.events()).hasSize(1);
        assertThat(filtered.events().get(0).jsonText()).contains("Acme New");
    }

    @Test
    void aRedeliveredGroupUpdateIsNotStale() {
        filter.filter(events(teamRenamed("Acme", minutesLater(10))));

        assertThat(filter.filter(events(teamRenamed("Acme", minutesLater(10)))).events())
                .hasSize(1);
    }

    @Test
    void anUnreachableStorePausesDeliveryInPauseMode() {
        StateFilter paused = new StateFilter(new UnreachableStore(), OnUnavailable.PAUSE);

        assertThatThrownBy(() -> paused.alreadyDelivered(List.of(key("a"))))
                .isInstanceOf(DedupStoreUnavailableException.class);
        assertThatThrownBy(() -> paused.filter(events(dashboardViewBy(ALICE, 1))))
                .isInstanceOf(DedupStoreUnavailableException.class);
    }

    @Test
    void anUnreachableStoreIsBypassedInFailOpenMode() {
        StateFilter open = new StateFilter(new UnreachableStore(), OnUnavailable.FAIL_OPEN);

        assertThat(open.alreadyDelivered(List.of(key("a")))).isEmpty();
        StateFilter.Filtered filtered =
                open.filter(events(dashboardViewBy(ALICE, 1), teamRenamed("Acme", minutesLater(1))));
        assertThat(names(filtered)).containsExactly("dashboard_viewed", "dashboard_first_view", "$groupidentify");
        // logged, not thrown: the events are already in PostHog
        open.settle(filtered.taken(), Set.copyOf(filtered.events()), List.of(key("a")));
    }

    @Test
    void aMilestoneRefusedByPostHogIsGivenBackToTheNextView() {
        StateFilter.Filtered first = filter.filter(events(dashboardViewBy(ALICE, 1)));
        PostHogEvent milestone = first.events().get(1);
        assertThat(milestone.event()).isEqualTo("dashboard_first_view");

        filter.settle(first.taken(), identitySet(milestone), List.of());

        assertThat(names(filter.filter(events(dashboardViewBy(ALICE, 2)))))
                .containsExactly("dashboard_viewed", "dashboard_first_view");
    }

    @Test
    void anAcceptedMilestoneKeepsItsClaim() {
        StateFilter.Filtered first = filter.filter(events(dashboardViewBy(ALICE, 1)));
        filter.settle(first.taken(), identitySet(), List.of());

        assertThat(names(filter.filter(events(dashboardViewBy(ALICE, 2))))).containsExactly("dashboard_viewed");
    }

    @Test
    void aGroupUpdateRefusedByPostHogDoesNotBlockAnOlderOne() {
        StateFilter.Filtered newer = filter.filter(events(teamRenamed("Acme New", minutesLater(10))));
        filter.settle(newer.taken(), identitySet(newer.events().get(0)), List.of());

        StateFilter.Filtered older = filter.filter(events(teamRenamed("Acme Old", minutesLater(5))));

        assertThat(older.events()).hasSize(1);
        assertThat(older.events().get(0).jsonText()).contains("Acme Old");
    }

    @Test
    void aRefusedUpdateGivesItsClockBackToTheAcceptedOneOfTheSameBatch() {
        StateFilter.Filtered batch = filter.filter(
                events(teamRenamed("Acme Old", minutesLater(5)), teamRenamed("Acme New", minutesLater(10))));
        assertThat(batch.events()).hasSize(2);
        filter.settle(batch.taken(), identitySet(batch.events().get(1)), List.of());

        assertThat(filter.filter(events(teamRenamed("Acme Older", minutesLater(4))))
                        .events())
                .as("older than the accepted update at minute 5")
                .isEmpty();
        assertThat(filter.filter(events(teamRenamed("Acme Between", minutesLater(7))))
                        .events())
                .as("newer than the accepted update at minute 5")
                .hasSize(1);
    }

    @Test
    void aProcessKilledBeforePostHogAnsweredLeavesNoClockThatMakesItsUpdatesStale() {
        List<PostHogEvent> poll =
                events(teamRenamed("Acme Old", minutesLater(5)), teamRenamed("Acme New", minutesLater(10)));
        new StateFilter(store, OnUnavailable.PAUSE).filter(poll); // sent, then killed before PostHog answered

        StateFilter successor = new StateFilter(store, OnUnavailable.PAUSE);

        assertThat(successor.filter(poll).events())
                .as("both updates redelivered, the older one first")
                .extracting(PostHogEvent::jsonText)
                .satisfiesExactly(
                        older -> assertThat(older).contains("Acme Old"),
                        newer -> assertThat(newer).contains("Acme New"));
    }

    @Test
    void anUpdateStillInFlightMakesAnOlderOneOfALaterBatchStale() {
        filter.filter(events(teamRenamed("Acme New", minutesLater(10)))); // in flight, not settled yet

        assertThat(filter.filter(events(teamRenamed("Acme Old", minutesLater(5))))
                        .events())
                .isEmpty();
    }

    @Test
    void anAbandonedBatchNoLongerCountsAsInFlight() {
        StateFilter.Filtered newer = filter.filter(events(teamRenamed("Acme New", minutesLater(10))));
        filter.abandon(newer.taken());

        assertThat(filter.filter(events(teamRenamed("Acme Old", minutesLater(5))))
                        .events())
                .hasSize(1);
    }

    @Test
    void onlyAcceptedUpdatesAdvanceTheClock() {
        StateFilter.Filtered batch = filter.filter(events(teamRenamed("Acme New", minutesLater(10))));
        filter.settle(batch.taken(), identitySet(), List.of());

        assertThat(store.clocks(List.of("acme\u001fname")))
                .containsValue(minutesLater(10).toEpochMilli());
        assertThat(new StateFilter(store, OnUnavailable.PAUSE)
                        .filter(events(teamRenamed("Acme Old", minutesLater(5))))
                        .events())
                .as("older than an update PostHog accepted")
                .isEmpty();
    }

    @Test
    void aGroupUpdateWithSomeStalePropertiesIsSentUnderAUuidOfItsOwn() {
        filter.filter(events(subscriptionCancelled(minutesLater(20))));
        PostHogEvent whole = groupUpdateOf(events(subscriptionStarted("team", 5, minutesLater(10))));

        PostHogEvent reduced = groupUpdateOf(filter.filter(events(subscriptionStarted("team", 5, minutesLater(10))))
                .events());
        PostHogEvent reducedAgain =
                groupUpdateOf(filter.filter(events(subscriptionStarted("team", 5, minutesLater(10))))
                        .events());

        assertThat(reduced.uuid()).isNotEqualTo(whole.uuid());
        assertThat(reducedAgain.uuid()).isEqualTo(reduced.uuid());
        assertThat(reducedAgain.jsonText()).isEqualTo(reduced.jsonText());
    }

    private static PostHogEvent groupUpdateOf(List<PostHogEvent> events) {
        return events.stream()
                .filter(e -> e.event().equals("$groupidentify"))
                .findFirst()
                .orElseThrow();
    }

    private static Set<PostHogEvent> identitySet(PostHogEvent... events) {
        Set<PostHogEvent> set = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        set.addAll(List.of(events));
        return set;
    }

    private static DedupStore.FactKey key(String name) {
        return new DedupStore.FactKey(java.util.UUID.nameUUIDFromBytes(name.getBytes()), 0L);
    }

    private static List<PostHogEvent> events(SpecificRecord... facts) {
        List<PostHogEvent> events = new ArrayList<>();
        for (SpecificRecord fact : facts) {
            events.addAll(FactMapping.standard().map(fact));
        }
        return events;
    }

    private static List<String> names(StateFilter.Filtered filtered) {
        return names(filtered.events());
    }

    private static List<String> names(List<PostHogEvent> events) {
        return events.stream().map(PostHogEvent::event).toList();
    }

    /** A store whose server cannot be reached. */
    private static final class UnreachableStore implements DedupStore {
        @Override
        public Set<FactKey> delivered(Collection<FactKey> facts) {
            throw unreachable();
        }

        @Override
        public void markDelivered(Collection<FactKey> facts) {
            throw unreachable();
        }

        @Override
        public void release(Map<String, String> claims) {
            throw unreachable();
        }

        @Override
        public Map<String, Long> clocks(java.util.Collection<String> keys) {
            throw unreachable();
        }

        @Override
        public Map<String, String> claim(Map<String, String> claims) {
            throw unreachable();
        }

        @Override
        public Map<String, Long> advance(Map<String, Long> clocks) {
            throw unreachable();
        }

        @Override
        public String description() {
            return "unreachable";
        }

        private static DedupStoreUnavailableException unreachable() {
            return new DedupStoreUnavailableException("connection refused", null);
        }
    }
}
