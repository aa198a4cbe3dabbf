package dev.tracking.client.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.client.EmbeddedBroker;
import dev.tracking.client.FactPublisher;
import dev.tracking.client.KafkaTopics;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.facts.FeatureFlagCalled;
import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.posthogapi.ApiResource;
import dev.tracking.testkit.posthogapi.FakePostHogApi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flag checks reach Kafka as FeatureFlagCalled facts, once per (distinct id, flag, answer). */
@Timeout(90)
class FactExposuresIT {
    @RegisterExtension
    static final EmbeddedBroker kafka = new EmbeddedBroker();

    @Test
    void firstAnswersArePublishedAsFactsOfTheEngagementFamily() {
        Map<FactFamily, String> topics = KafkaTopics.createFamilyTopics(kafka.broker(), "exposures-it");
        try (FakePostHogApi posthog = FakePostHogApi.builder()
                        .personalApiKey("phx_flags", "feature_flag:read")
                        .start();
                FactPublisher publisher = publisherTo(topics);
                FactExposures exposures = new FactExposures(publisher, "dashboard-service")) {
            int team = posthog.addGroupType("team");
            posthog.create(
                    ApiResource.FEATURE_FLAGS,
                    "{\"key\": \"benchmarks\", \"_should_create_usage_dashboard\": false, \"filters\":"
                            + " {\"aggregation_group_type_index\": " + team
                            + ", \"groups\": [{\"properties\": [], \"rollout_percentage\": 100}]}}");
            try (FeatureFlags flags = FeatureFlags.builder()
                    .projectToken(posthog.projectToken())
                    .personalApiKey("phx_flags")
                    .host(posthog.baseUri())
                    .pollInterval(Duration.ofSeconds(1))
                    .flag("benchmarks", false)
                    .exposures(exposures)
                    .build()) {
                await("flag definitions polled").atMost(Duration.ofSeconds(10)).until(flags::definitionsLoaded);
                for (int i = 0; i < 50; i++) {
                    assertThat(flags.isEnabled("benchmarks", "acme", "user-alice"))
                            .isTrue();
                    assertThat(flags.isEnabled("benchmarks", "acme", "user-bob"))
                            .isTrue();
                }
            }
        }

        List<ConsumerRecord<byte[], byte[]>> records = KafkaTopics.awaitRecords(
                kafka.bootstrapServers(),
                List.of(topics.get(FactFamily.ENGAGEMENT)),
                2,
                "exposures reached the engagement topic");
        List<FeatureFlagCalled> facts = records.stream()
                .map(r -> (FeatureFlagCalled) SingleObjectEncoding.decoder().decode(r.topic(), r.value()))
                .toList();
        assertThat(facts)
                .extracting(FeatureFlagCalled::getUserId, FeatureFlagCalled::getFlag, FeatureFlagCalled::getEnabled)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("user-alice", "benchmarks", true),
                        org.assertj.core.groups.Tuple.tuple("user-bob", "benchmarks", true));
        assertThat(facts).allSatisfy(f -> {
            assertThat(f.getTeamId()).isEqualTo("acme");
            assertThat(f.getSource()).isEqualTo("dashboard-service");
            assertThat(f.getFromDefault()).isFalse();
        });
        assertThat(records).extracting(r -> new String(r.key())).containsOnly("acme");
    }

    private static FactPublisher publisherTo(Map<FactFamily, String> topics) {
        FactPublisher.Builder builder = FactPublisher.builder().bootstrapServers(kafka.bootstrapServers());
        topics.forEach(builder::topic);
        return builder.build();
    }
}
