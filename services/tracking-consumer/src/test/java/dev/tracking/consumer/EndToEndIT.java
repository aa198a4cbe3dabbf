package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.facts.LeaderboardViewed;
import dev.tracking.facts.TeamMemberInvited;
import dev.tracking.facts.TeamRole;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class EndToEndIT extends TrackingConsumerITSupport {

    @Test
    void everyFactTypePublishedThroughFactPublisherReachesPostHogExactlyOnceWithItsGoldenContent() {
        Map<String, SpecificRecordBase> facts = FactFixtures.oneOfEachType();
        publish(facts.values().toArray(SpecificRecordBase[]::new));
        int expected =
                facts.keySet().stream().mapToInt(type -> golden(type).size()).sum();

        awaitEvents("every expected event reached PostHog", expected);

        List<CapturedEvent> events = posthog.events();
        assertThat(events).hasSize(expected);
        assertThat(posthog.duplicatesByIdentity())
                .as("events that arrived twice")
                .isEmpty();
        Map<String, CapturedEvent> byUuid = byUuid(events);
        facts.keySet()
                .forEach(type -> golden(type).forEach(json -> {
                    String uuid = json.replaceAll(".*\"uuid\":\"([^\"]+)\".*", "$1");
                    assertThat(byUuid).as("event %s of %s", uuid, type).containsKey(uuid);
                    assertThat(byUuid.get(uuid).rawJson())
                            .as("content of %s's event", type)
                            .isEqualTo(json);
                }));
        assertThat(posthog.requests()).allSatisfy(request -> {
            assertThat(request.gzip())
                    .as("request %d compressed", request.number())
                    .isTrue();
            assertThat(request.status()).isEqualTo(200);
        });
    }

    @Test
    void aRepublishedFactIsNotSentAgain() {
        LeaderboardViewed view = new LeaderboardViewed(
                FactFixtures.factId("republished"), FactFixtures.MONDAY_9AM, FactFixtures.ACME, FactFixtures.BOB, null);
        publish(view);
        awaitEvents("the first copy reached PostHog", 1);

        TeamMemberInvited next = new TeamMemberInvited(
                FactFixtures.factId("after-republish"),
                FactFixtures.MONDAY_9AM,
                FactFixtures.ACME,
                FactFixtures.ALICE,
                null,
                TeamRole.ADMIN);
        publish(view, view, next);
        awaitEvents("the next fact reached PostHog", 2);

        assertThat(posthog.events())
                .extracting(CapturedEvent::event)
                .containsExactly("leaderboard_viewed", "team_member_invited");
    }
}
