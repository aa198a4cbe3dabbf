package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.posthog.FakePostHog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * Start-up creates missing topics and never changes existing ones: growing a topic's partitions would send a team's
 * new facts to another partition than its unconsumed ones, and break per-team order.
 */
@Timeout(60)
class TopicProvisioningIT {
    private static final String KEY = "phc_topics";
    private static final String EXISTING = FactFamily.ENGAGEMENT.defaultTopic();

    private EmbeddedKafkaBroker kafka;
    private FakePostHog posthog;
    private StandaloneConsumers consumers;

    @BeforeEach
    void start() {
        kafka = TestKafka.start(1, EXISTING);
        posthog = FakePostHog.start(KEY);
        consumers = new StandaloneConsumers(kafka, posthog, KEY);
    }

    @AfterEach
    void stop() {
        if (consumers == null) {
            return; // skipped: TestKafka's broker could not run here
        }
        consumers.close();
        posthog.close();
        kafka.destroy();
    }

    @Test
    void startUpCreatesMissingTopicsAndLeavesExistingOnesAlone() throws Exception {
        consumers.start(Map.of("tracking.topics.partitions", "4"));

        Map<String, TopicDescription> topics = describe(List.of(
                EXISTING,
                FactFamily.ONBOARDING.defaultTopic(),
                FactFamily.ONBOARDING.defaultTopic() + "-dlt",
                EXISTING + "-dlt"));
        assertThat(topics.get(EXISTING).partitions())
                .as("partitions of %s, which existed with 1", EXISTING)
                .hasSize(1);
        assertThat(topics.get(FactFamily.ONBOARDING.defaultTopic()).partitions())
                .hasSize(4);
        assertThat(topics.get(FactFamily.ONBOARDING.defaultTopic() + "-dlt").partitions())
                .hasSize(4);
        assertThat(topics.get(EXISTING + "-dlt").partitions()).hasSize(4);
    }

    @Test
    void withoutConfiguredPartitionsCreatedTopicsTakeTheBrokersDefaults() throws Exception {
        consumers.start(Map.of("tracking.topics.partitions", ""));

        assertThat(describe(List.of(FactFamily.PROFILES.defaultTopic()))
                        .get(FactFamily.PROFILES.defaultTopic())
                        .partitions())
                .as("the embedded broker's num.partitions is 1")
                .hasSize(1);
    }

    /**
     * The topics as the broker sees them once every change start-up made is visible: a marker topic is created after
     * start-up and awaited first; the controller applies changes in order, so what came before it is visible too.
     */
    private Map<String, TopicDescription> describe(List<String> names) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()))) {
            String marker = "marker-" + UUID.randomUUID();
            admin.createTopics(List.of(new NewTopic(marker, 1, (short) 1)))
                    .all()
                    .get(10, TimeUnit.SECONDS);
            await("the marker topic created after start-up is visible")
                    .atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> admin.describeTopics(List.of(marker))
                            .allTopicNames()
                            .get(5, TimeUnit.SECONDS)
                            .containsKey(marker));
            return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
        }
    }
}
