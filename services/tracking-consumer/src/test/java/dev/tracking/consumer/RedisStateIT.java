package dev.tracking.consumer;

import static dev.tracking.testkit.fixtures.FactFixtures.ACME;
import static dev.tracking.testkit.fixtures.FactFixtures.factId;
import static dev.tracking.testkit.fixtures.FactFixtures.minutesLater;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.LeaderboardViewed;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.testkit.posthog.CapturedEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * De-duplication and mapping state kept in a real Redis: it outlives the consumer, so a restarted consumer (or another
 * instance of the group) still knows what was delivered, which user already saw the dashboard, and which team
 * property values are newer.
 */
@Timeout(180)
class RedisStateIT {
    @RegisterExtension
    static final StandaloneStack stack = new StandaloneStack("phc_redis_state");

    private String group;

    @BeforeEach
    void newGroup() {
        group = "redis-it-" + UUID.randomUUID();
        try (GroupProgress progress = GroupProgress.of(stack.kafka().getBrokersAsString(), group)) {
            progress.startAtTheEnd(); // only this test's facts, whichever test ran first
        }
    }

    private ConfigurableApplicationContext consumer() {
        return stack.consumers()
                .start(Map.of(
                        "tracking.dedup.store",
                        "redis",
                        "tracking.dedup.redis.url",
                        stack.redis().uri().toString(),
                        "spring.kafka.consumer.group-id",
                        group));
    }

    @Test
    void aFactPublishedThreeTimesIsDeliveredOnceAndStillRecognisedAfterARestart() {
        LeaderboardViewed view =
                new LeaderboardViewed(factId("thrice-" + group), minutesLater(1), ACME, "user-t", null);
        ConfigurableApplicationContext first = consumer();
        publish(view, view, view);
        awaitSettled("the fact reached PostHog", 1);

        first.close();
        consumer();
        LeaderboardViewed after =
                new LeaderboardViewed(factId("after-" + group), minutesLater(2), ACME, "user-t", null);
        publish(view, after);
        awaitSettled("the next fact reached PostHog", 2);

        assertThat(stack.posthog().events())
                .extracting(CapturedEvent::uuid)
                .doesNotHaveDuplicates()
                .hasSize(2);
    }

    @Test
    void dashboardFirstViewIsSentOncePerUserAcrossRestarts() {
        String user = "user-first-view-" + group;
        ConfigurableApplicationContext first = consumer();
        publish(new DashboardViewed(factId("view-1-" + group), minutesLater(1), ACME, user, null));
        awaitSettled("the first view reached PostHog", 2);

        first.close();
        consumer();
        publish(new DashboardViewed(factId("view-2-" + group), minutesLater(2), ACME, user, null));
        awaitSettled("the second view reached PostHog", 3);

        assertThat(stack.posthog().events())
                .extracting(CapturedEvent::event)
                .containsExactly("dashboard_viewed", "dashboard_first_view", "dashboard_viewed");
    }

    @Test
    void aStaleTeamUpdateArrivingAfterANewerOneIsDroppedEvenAfterARestart() {
        String team = "team-stale-" + group;
        ConfigurableApplicationContext first = consumer();
        publish(new TeamProfileUpdated(factId("newer-" + group), minutesLater(30), team, null, null, "Newer name", 9));
        awaitSettled("the newer update reached PostHog", 1);

        first.close();
        consumer();
        publish(
                new TeamProfileUpdated(factId("older-" + group), minutesLater(10), team, null, null, "Older name", 3),
                new LeaderboardViewed(factId("marker-" + group), minutesLater(31), team, "user-s", null));
        awaitSettled("the marker after the stale update reached PostHog", 2);

        assertThat(stack.posthog().eventsNamed("$groupidentify"))
                .singleElement()
                .satisfies(update -> assertThat(update.properties()
                                .path("$group_set")
                                .path("name")
                                .asText())
                        .isEqualTo("Newer name"));
    }

    private void publish(SpecificRecord... facts) {
        for (SpecificRecord fact : facts) {
            TestPublishing.publishAll(stack.publisher(), List.of(fact));
        }
    }

    /**
     * Waits until the group has settled every published fact (committed every fact topic to its end: nothing of what
     * was published is still on its way to PostHog), then asserts that PostHog accepted exactly {@code count} events.
     */
    private void awaitSettled(String label, int count) {
        try (GroupProgress progress = GroupProgress.of(stack.kafka().getBrokersAsString(), group)) {
            progress.awaitCaughtUp(label + ": the consumer settled every published fact", Duration.ofSeconds(60));
        }
        assertThat(stack.posthog().eventCount())
                .as(label + ", and nothing more")
                .isEqualTo(count);
    }
}
