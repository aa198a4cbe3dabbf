package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.client.FactPublisher;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
import dev.tracking.testkit.posthog.FakePostHog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * While a consumer is paused retrying a batch (PostHog down), a second instance joins the group and partitions move.
 * The retry loop polls the paused consumer to stay in the group; partitions newly assigned to it must be paused too,
 * or records fetched by those polls would be skipped and later committed over: lost.
 */
@Timeout(180)
class RebalanceDuringOutageIT {
    private static final String KEY = "phc_rebalance";

    private EmbeddedKafkaBroker kafka;
    private FakePostHog posthog;
    private StandaloneConsumers consumers;
    private FactPublisher publisher;

    @BeforeEach
    void start() {
        kafka = StandaloneConsumers.broker();
        posthog = FakePostHog.start(KEY);
        consumers = new StandaloneConsumers(kafka, posthog, KEY);
        publisher = TestPublishing.publisher(kafka.getBrokersAsString());
    }

    @AfterEach
    void stop() {
        publisher.close();
        consumers.close();
        posthog.close();
        kafka.destroy();
    }

    @Test
    void aRebalanceWhileRetryingThroughAnOutageLosesNothing() {
        Map<String, String> oneThread = Map.of(
                "spring.kafka.listener.concurrency", "1",
                "spring.kafka.consumer.group-id", "rebalance-during-outage",
                "spring.kafka.consumer.max-poll-records", "10");
        consumers.start(oneThread);
        posthog.faults().outage(true);
        List<SpecificRecordBase> facts = new ArrayList<>(FactFixtures.traffic("before-rebalance", 30));
        publishAll(facts);
        await("the first instance is retrying through the outage")
                .atMost(Duration.ofSeconds(30))
                .until(() -> posthog.requestCount() >= 3);

        consumers.start(oneThread);
        List<SpecificRecordBase> later = FactFixtures.traffic("after-rebalance", 30);
        publishAll(later);
        facts.addAll(later);
        await("both instances are retrying")
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> posthog.eventCount() == 0);

        posthog.faults().outage(false);
        Set<String> expected = TrackingConsumerITSupport.uuidsOf(facts);
        await("every fact delivered after the outage")
                .atMost(Duration.ofSeconds(60))
                .until(() -> uuids().containsAll(expected));
        assertThat(posthog.unexplainedDuplicates()).isEmpty();
    }

    private void publishAll(List<SpecificRecordBase> facts) {
        TestPublishing.publishAll(publisher, facts);
    }

    private Set<String> uuids() {
        return posthog.events().stream().map(CapturedEvent::uuid).collect(Collectors.toSet());
    }
}
