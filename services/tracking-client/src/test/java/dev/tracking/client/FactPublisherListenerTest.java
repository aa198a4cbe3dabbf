package dev.tracking.client;

import static dev.tracking.testkit.fixtures.FactFixtures.MONDAY_9AM;
import static dev.tracking.testkit.fixtures.FactFixtures.subscriptionStarted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** What a {@link PublishListener} is told, against Kafka's {@link MockProducer}; no broker. */
class FactPublisherListenerTest {
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final List<String> told = new ArrayList<>();
    private final FactPublisher publisher = new FactPublisher(
            producer, SingleObjectEncoding.encoder(), topics(), Clock.fixed(MONDAY_9AM, ZoneOffset.UTC), recorder());

    @Test
    void toldOfAnAcknowledgedFactWithItsTypeAndWhereItLanded() {
        publisher.publish(subscriptionStarted("business", 12, MONDAY_9AM));
        producer.completeNext();

        assertThat(told).containsExactly("published SubscriptionStarted facts.subscriptions");
    }

    @Test
    void toldOfAFactKafkaDidNotAcknowledge() {
        publisher.publish(subscriptionStarted("business", 12, MONDAY_9AM));
        producer.errorNext(new TimeoutException("Expiring 1 record(s)"));

        assertThat(told).containsExactly("failed SubscriptionStarted FactNotPublishedException");
    }

    @Test
    void toldOfAnInvalidFactThatWasNeverSent() {
        SubscriptionStarted negativeSeats = subscriptionStarted("business", -4, MONDAY_9AM);

        publisher.publish(negativeSeats);

        assertThat(told).containsExactly("failed SubscriptionStarted InvalidFactException");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aThrowingListenerDoesNotBreakThePublish() {
        FactPublisher withBrokenListener = new FactPublisher(
                producer, SingleObjectEncoding.encoder(), topics(), Clock.systemUTC(), new PublishListener() {
                    @Override
                    public void published(String factType, FactPublisher.Published published, Duration latency) {
                        throw new IllegalStateException("metrics registry closed");
                    }

                    @Override
                    public void failed(String factType, Throwable error, Duration latency) {
                        throw new IllegalStateException("metrics registry closed");
                    }
                });

        var send = withBrokenListener.publish(subscriptionStarted("business", 12, MONDAY_9AM));
        producer.completeNext();

        assertThat(send).succeedsWithin(Duration.ZERO);
    }

    private PublishListener recorder() {
        return new PublishListener() {
            @Override
            public void published(String factType, FactPublisher.Published published, Duration latency) {
                assertThat(latency.isNegative()).as("latency is negative").isFalse();
                told.add("published " + factType + " " + published.topic());
            }

            @Override
            public void failed(String factType, Throwable error, Duration latency) {
                told.add("failed " + factType + " " + error.getClass().getSimpleName());
            }
        };
    }

    private static Map<FactFamily, String> topics() {
        Map<FactFamily, String> topics = new EnumMap<>(FactFamily.class);
        for (FactFamily family : FactFamily.values()) {
            topics.put(family, family.defaultTopic());
        }
        return topics;
    }
}
