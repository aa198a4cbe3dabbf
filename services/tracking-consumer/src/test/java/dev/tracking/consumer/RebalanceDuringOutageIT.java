package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.client.FactPublisher;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
import dev.tracking.testkit.posthog.FakePostHog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * Partitions move while a consumer is retrying through an outage. Instance A's PostHog is down; instance B joins the
 * group behind a PostHog that stays down and takes some of A's partitions; A's PostHog recovers and A delivers what
 * it still owns; then B goes away and A takes everything back. A must never commit offsets of partitions it no longer
 * owns, nor past anything it has not delivered: no commit may pass an undelivered record, and in the end every event
 * of every fact arrives, repeats being exact copies.
 */
@Timeout(180)
class RebalanceDuringOutageIT {
    private static final String KEY = "phc_rebalance";
    private static final String GROUP = "rebalance-during-outage";
    private static final Map<String, String> ONE_THREAD = Map.of(
            "spring.kafka.listener.concurrency", "1",
            "spring.kafka.consumer.group-id", GROUP,
            "spring.kafka.consumer.max-poll-records", "500");

    private EmbeddedKafkaBroker kafka;
    private FakePostHog posthogOfA;
    private FakePostHog posthogOfB;
    private StandaloneConsumers instanceA;
    private StandaloneConsumers instanceB;
    private FactPublisher publisher;

    @BeforeEach
    void start() {
        kafka = StandaloneConsumers.broker();
        posthogOfA = FakePostHog.start(KEY);
        posthogOfB = FakePostHog.start(KEY);
        instanceA = new StandaloneConsumers(kafka, posthogOfA, KEY);
        instanceB = new StandaloneConsumers(kafka, posthogOfB, KEY);
        publisher = TestPublishing.publisher(kafka.getBrokersAsString());
    }

    @AfterEach
    void stop() {
        if (publisher == null) {
            return; // skipped: TestKafka's broker could not run here
        }
        publisher.close();
        instanceB.close();
        instanceA.close();
        posthogOfB.close();
        posthogOfA.close();
        kafka.destroy();
    }

    @Test
    void partitionsRevokedWhileRetryingAreNeitherCommittedNorLost() {
        posthogOfA.faults().outage(true);
        posthogOfB.faults().outage(true);
        instanceA.start(ONE_THREAD);
        List<SpecificRecordBase> facts = new ArrayList<>(FactFixtures.trafficWithState("before-rebalance", 60));
        List<FactPublisher.Published> published = new ArrayList<>(TestPublishing.publishAll(publisher, facts));
        await("instance A is retrying through its PostHog's outage")
                .atMost(Duration.ofSeconds(30))
                .until(() -> posthogOfA.requestCount() >= 3);

        instanceB.start(ONE_THREAD);
        await("instance B took partitions and is retrying too")
                .atMost(Duration.ofSeconds(30))
                .until(() -> posthogOfB.requestCount() >= 1);
        List<SpecificRecordBase> later = FactFixtures.trafficWithState("after-rebalance", 30);
        published.addAll(TestPublishing.publishAll(publisher, later));
        facts.addAll(later);

        try (CommitWatch commits =
                CommitWatch.start(kafka.getBrokersAsString(), GROUP, published, facts, this::deliveredUuids)) {
            posthogOfA.faults().outage(false);
            await("instance A delivered what it still owns")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> posthogOfA.eventCount() > 0 && commits.checks() > 0);
            long checksBefore = commits.checks();
            await("a few more commit checks while B still holds its partitions")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> commits.checks() >= checksBefore + 20);
            assertThat(commits.violations())
                    .as("commits that passed an undelivered record while B held its partitions")
                    .isEmpty();

            instanceB.close();
            Set<String> expected = TrackingConsumerITSupport.uuidsOf(facts);
            await("instance A took every partition back and delivered every event")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> deliveredUuids().containsAll(expected));
            commits.checkOnceMore();
            assertThat(commits.violations())
                    .as("commits that passed an undelivered record")
                    .isEmpty();
        }
        assertThat(posthogOfA.unexplainedDuplicates()).isEmpty();
        assertThat(posthogOfB.eventCount())
                .as("B's PostHog never accepted anything")
                .isZero();
    }

    private Set<String> deliveredUuids() {
        Set<String> uuids = new HashSet<>();
        posthogOfA.events().stream().map(CapturedEvent::uuid).forEach(uuids::add);
        posthogOfB.events().stream().map(CapturedEvent::uuid).forEach(uuids::add);
        return uuids;
    }
}
