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
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class StateFilterTest {
    private static final DedupStore.FactKey SOME_FACT =
            new DedupStore.FactKey(UUID.fromString("00000000-0000-4000-8000-00000000000a"), 0L);
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

        assertThatThrownBy(() -> paused.alreadyDelivered(List.of(SOME_FACT)))
                .isInstanceOf(DedupStoreUnavailableException.class);
        assertThatThrownBy(() -> paused.filter(events(dashboardViewBy(ALICE, 1))))
                .isInstanceOf(DedupStoreUnavailableException.class);
    }

    @Test
    void anUnreachableStoreIsBypassedInFailOpenMode() {
        StateFilter open = new StateFilter(new UnreachableStore(), OnUnavailable.FAIL_OPEN);

        assertThat(open.alreadyDelivered(List.of(SOME_FACT))).isEmpty();
        assertThat(names(open.filter(events(dashboardViewBy(ALICE, 1), teamRenamed("Acme", minutesLater(1))))))
                .containsExactly("dashboard_viewed", "dashboard_first_view", "$groupidentify");
        open.markDelivered(List.of(SOME_FACT)); // logged, not thrown: the events are already in PostHog
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
        public Map<String, String> claim(Map<String, String> claims) {
            throw unreachable();
        }

        @Override
        public void release(Map<String, String> claims) {
            throw unreachable();
        }

        @Override
        public Map<String, Long> advance(Map<String, Long> clocks) {
            throw unreachable();
        }

        @Override
        public void restore(Map<String, ClockRestore> restores) {
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
