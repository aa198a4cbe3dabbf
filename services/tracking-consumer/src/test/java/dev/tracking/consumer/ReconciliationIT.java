package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.FactPublisher;
import dev.tracking.consumer.observe.FactLedger;
import dev.tracking.consumer.observe.TrackingEndpoint;
import dev.tracking.facts.AnalyticsTab;
import dev.tracking.facts.AnalyticsViewed;
import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.fixtures.FactFixtures;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code /actuator/tracking} after a run with every kind of outcome: each record read is in exactly one column, a fact
 * whose only event was dropped as stale is counted as dropped (not missing from delivered), and today's PostHog volume
 * per event is what PostHog accepted.
 */
class ReconciliationIT extends TrackingConsumerITSupport {

    @Autowired
    TrackingEndpoint endpoint;

    @Autowired
    MeterRegistry meters;

    @Test
    void everyRecordReadIsAccountedForByFactTypeAndTheVolumeByEventMatchesPostHog() throws Exception {
        List<Object> facts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            facts.add(new AnalyticsViewed(
                    FactFixtures.factId("reconciled-" + i),
                    FactFixtures.minutesLater(i),
                    FactFixtures.ACME,
                    FactFixtures.ALICE,
                    null,
                    AnalyticsTab.AI,
                    "30d"));
        }
        List<FactPublisher.Published> published = new ArrayList<>(publish(facts.toArray(AnalyticsViewed[]::new)));
        // a newer team name, then an older one: the older update's only event is dropped as stale
        published.addAll(publish(
                FactFixtures.teamRenamed("Acme Labs", FactFixtures.minutesLater(10)),
                FactFixtures.teamRenamed("Acme", FactFixtures.minutesLater(5))));
        published.add(publishUndecodable());

        awaitCommittedPast(published);

        TrackingEndpoint.Report report = endpoint.report();
        assertThat(report.facts().get("AnalyticsViewed"))
                .isEqualTo(new FactLedger.Reconciliation(10, 10, 0, 0, 0, 0, 0, 0));
        assertThat(report.facts().get("TeamProfileUpdated"))
                .as("N facts, N-1 delivered, 1 dropped: nothing lost")
                .isEqualTo(new FactLedger.Reconciliation(2, 1, 0, 0, 1, 0, 0, 0));
        assertThat(report.facts().get(FactLedger.UNKNOWN_TYPE))
                .isEqualTo(new FactLedger.Reconciliation(1, 0, 0, 0, 0, 1, 0, 0));
        assertThat(report.total()).isEqualTo(new FactLedger.Reconciliation(13, 11, 0, 0, 1, 1, 0, 0));
        assertThat(report.events().events().get("analytics_viewed").today()).isEqualTo(10);
        assertThat(report.events().events().get("$groupidentify").today()).isEqualTo(1);
        assertThat(report.events().thisMonth()).as("events PostHog accepted").isEqualTo(posthog.eventCount());
        assertThat(report.eventsDelivered()).isEqualTo(posthog.eventCount());
        assertThat(report.events().monthlyAllowance()).isEqualTo(1_000_000);
        assertThat(meters.get("tracking.facts.dead-lettered")
                        .tag("fact_type", FactLedger.UNKNOWN_TYPE)
                        .tag("category", "decode")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(report.lag()).isZero();
        assertThat(meters.find("tracking.consumer.lag").gauges())
                .as("consumer lag per partition")
                .isNotEmpty()
                .allSatisfy(
                        gauge -> assertThat(gauge.getId().getTag("partition")).isNotNull());
    }

    private FactPublisher.Published publishUndecodable() throws Exception {
        String topic = FactFamily.ENGAGEMENT.defaultTopic();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            RecordMetadata written = producer.send(new ProducerRecord<>(
                            topic,
                            "acme".getBytes(StandardCharsets.UTF_8),
                            "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get();
            return new FactPublisher.Published(topic, written.partition(), written.offset(), null, null);
        }
    }
}
