package dev.tracking.consumer;

import static dev.tracking.testkit.fixtures.FactFixtures.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.FactPublisher;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** Tier 1 only, and one tier-1 event switched off by name: the rest of tier 1 and profile updates still flow. */
@TestPropertySource(properties = {"tracking.events.tiers=1", "tracking.events.disabled=github_connected"})
class EventTiersIT extends TrackingConsumerITSupport {

    @Autowired
    MeterRegistry meters;

    @Test
    void eventsOfADisabledTierNeverReachPostHogWhileTheOthersDoAndEveryOffsetIsCommitted() {
        List<FactPublisher.Published> published = publish(
                FactFixtures.signupOf(ALICE), // tier 1
                FactFixtures.dashboardViewBy(ALICE, 5), // dashboard_viewed tier 2, dashboard_first_view tier 1
                FactFixtures.analyticsViewed(), // tier 2 only
                FactFixtures.bobInvited(), // tier 3 only
                FactFixtures.githubConnected(), // tier 1 but disabled; its $groupidentify flows
                FactFixtures.bobChangedRole()); // $identify: not tiered

        awaitCommittedPast(published);

        assertThat(posthog.events())
                .extracting(CapturedEvent::event)
                .as("PostHog holds, once every record is committed")
                .containsExactlyInAnyOrder("user_signed_up", "dashboard_first_view", "$groupidentify", "$identify");
        assertThat(suppressed("dashboard_viewed", "2")).isEqualTo(1);
        assertThat(suppressed("analytics_viewed", "2")).isEqualTo(1);
        assertThat(suppressed("team_member_invited", "3")).isEqualTo(1);
        assertThat(suppressed("github_connected", "1")).isEqualTo(1);
        assertThat(meters.find("tracking.events.suppressed")
                        .tag("event", "user_signed_up")
                        .counter())
                .isNull();
    }

    private double suppressed(String event, String tier) {
        return meters.get("tracking.events.suppressed")
                .tag("event", event)
                .tag("tier", tier)
                .counter()
                .count();
    }
}
