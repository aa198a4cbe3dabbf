package dev.tracking.client;

import static dev.tracking.testkit.fixtures.FactFixtures.ACME;
import static dev.tracking.testkit.fixtures.FactFixtures.ALICE;
import static dev.tracking.testkit.fixtures.FactFixtures.MONDAY_9AM;
import static dev.tracking.testkit.fixtures.FactFixtures.dashboardViewBy;
import static dev.tracking.testkit.fixtures.FactFixtures.minutesLater;
import static dev.tracking.testkit.fixtures.FactFixtures.signupOf;
import static dev.tracking.testkit.fixtures.FactFixtures.subscriptionStarted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FactPublisherIT {
    @RegisterExtension
    static final EmbeddedBroker kafka = new EmbeddedBroker();

    private final FactDecoder decoder = SingleObjectEncoding.decoder();

    @Test
    void publishesToTheFamilyTopicKeyedByTeam(TestInfo test) {
        var topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        SubscriptionStarted subscription = subscriptionStarted("business", 12, minutesLater(13));

        FactPublisher.Published published;
        try (FactPublisher publisher = publisherTo(topics).build()) {
            published = publisher.publish(subscription).join();
        }

        assertThat(published.topic()).isEqualTo(topics.get(FactFamily.SUBSCRIPTIONS));
        assertThat(published.eventId()).isEqualTo(subscription.getEventId());
        assertThat(published.occurredAt()).isEqualTo(subscription.getOccurredAt());
        ConsumerRecord<byte[], byte[]> record = onlyRecordOf(topics.get(FactFamily.SUBSCRIPTIONS));
        assertThat(record.partition()).isEqualTo(published.partition());
        assertThat(record.offset()).isEqualTo(published.offset());
        assertThat(keyOf(record)).isEqualTo(ACME);
        assertThat(decoder.decode(record.topic(), record.value())).isEqualTo(subscription);
    }

    @Test
    void keysAFactWithoutTeamByItsUser(TestInfo test) {
        var topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));

        try (FactPublisher publisher = publisherTo(topics).build()) {
            publisher.publish(signupOf(ALICE)).join();
        }

        ConsumerRecord<byte[], byte[]> record = onlyRecordOf(topics.get(FactFamily.ONBOARDING));
        assertThat(keyOf(record)).isEqualTo(ALICE);
        assertThat(decoder.decode(record.topic(), record.value())).isEqualTo(signupOf(ALICE));
    }

    @Test
    void factsOfOneTeamStayInOrderOnOnePartition(TestInfo test) {
        var topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        List<DashboardViewed> views = new ArrayList<>();
        for (int minute = 0; minute < 20; minute++) {
            views.add(dashboardViewBy(ALICE, minute));
        }

        List<FactPublisher.Published> published = new ArrayList<>();
        try (FactPublisher publisher = publisherTo(topics).build()) {
            List<CompletableFuture<FactPublisher.Published>> sends =
                    views.stream().map(publisher::publish).toList();
            sends.forEach(send -> published.add(send.join()));
        }

        assertThat(published)
                .extracting(FactPublisher.Published::partition)
                .containsOnly(published.get(0).partition());
        assertThat(published)
                .extracting(FactPublisher.Published::offset)
                .isSorted()
                .doesNotHaveDuplicates();
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTopics.awaitRecords(
                kafka.bootstrapServers(),
                List.of(topics.get(FactFamily.ENGAGEMENT)),
                20,
                "dashboard views reached the topic");
        assertThat(records)
                .extracting(r -> decoder.decode(r.topic(), r.value()))
                .containsExactlyElementsOf(views);
    }

    @Test
    void fillsEventIdAndOccurredAtOnTheCallersFact(TestInfo test) {
        var topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        Instant now = Instant.parse("2026-03-02T12:30:00.456Z");
        DashboardViewed unstamped = new DashboardViewed("", Instant.EPOCH, ACME, ALICE, "dashboard-service");

        FactPublisher.Published published;
        try (FactPublisher publisher =
                publisherTo(topics).clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
            published = publisher.publish(unstamped).join();
        }

        assertThat(UUID.fromString(published.eventId())).hasToString(published.eventId());
        assertThat(published.occurredAt()).isEqualTo(now);
        assertThat(unstamped.getEventId()).as("caller's event_id").isEqualTo(published.eventId());
        assertThat(unstamped.getOccurredAt()).as("caller's occurred_at").isEqualTo(now);
        DashboardViewed written = (DashboardViewed) decoder.decode(
                topics.get(FactFamily.ENGAGEMENT),
                onlyRecordOf(topics.get(FactFamily.ENGAGEMENT)).value());
        assertThat(written).isEqualTo(new DashboardViewed(published.eventId(), now, ACME, ALICE, "dashboard-service"));
    }

    @Test
    void keepsTheEventIdAndTimeTheFactAlreadyHas(TestInfo test) {
        var topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        DashboardViewed stamped = dashboardViewBy(ALICE, 7);

        FactPublisher.Published published;
        try (FactPublisher publisher = publisherTo(topics)
                .clock(Clock.fixed(MONDAY_9AM.plusSeconds(3600), ZoneOffset.UTC))
                .build()) {
            published = publisher.publish(stamped).join();
        }

        assertThat(published.eventId()).isEqualTo(stamped.getEventId());
        assertThat(published.occurredAt()).isEqualTo(stamped.getOccurredAt());
    }

    @Test
    void invalidFactFailsTheFutureAndWritesNothing(TestInfo test) {
        var topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        SubscriptionStarted negativeSeats = subscriptionStarted("team", -3, minutesLater(13));
        SubscriptionStarted valid = subscriptionStarted("team", 3, minutesLater(14));

        CompletableFuture<FactPublisher.Published> refused;
        FactPublisher.Published next;
        try (FactPublisher publisher = publisherTo(topics).build()) {
            refused = publisher.publish(negativeSeats);
            assertThat(refused).as("failed before reaching Kafka").isCompletedExceptionally();
            next = publisher.publish(valid).join();
        }

        assertThat(refused)
                .failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(InvalidFactException.class)
                .withMessageContaining("SubscriptionStarted")
                .withMessageContaining("seats")
                .withMessageContaining("-3");
        assertThat(next.offset())
                .as("offset of the next valid fact: nothing was written before it")
                .isZero();
        assertThat(KafkaTopics.recordCount(kafka.bootstrapServers(), topics.values()))
                .isEqualTo(1);
    }

    @Test
    void unreachableBrokerFailsTheFutureInsteadOfHanging() throws IOException {
        try (FactPublisher publisher = FactPublisher.builder()
                .bootstrapServers("127.0.0.1:" + closedPort())
                .producerProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000)
                .producerProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000)
                .producerProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 1_500)
                .build()) {
            DashboardViewed view = dashboardViewBy(ALICE, 1);
            CompletableFuture<FactPublisher.Published> send = publisher.publish(view);

            assertThat(send)
                    .failsWithin(KafkaTopics.PATIENCE)
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause()
                    .isInstanceOfSatisfying(
                            FactNotPublishedException.class,
                            failure -> assertThat(failure.eventId()).isEqualTo(view.getEventId()))
                    .havingCause()
                    .isInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void publishesAFamilyToItsOverriddenTopicAndTheOthersToTheirDefaults(TestInfo test) {
        String custom = topicPrefix(test) + ".custom-engagement";
        KafkaTopics.create(kafka.broker(), List.of(custom));

        FactPublisher.Published published;
        try (FactPublisher publisher = FactPublisher.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topic(FactFamily.ENGAGEMENT, custom)
                .build()) {
            assertThat(publisher.topicOf(subscriptionStarted("team", 1, minutesLater(1))))
                    .isEqualTo(FactFamily.SUBSCRIPTIONS.defaultTopic());
            assertThat(publisher.topics())
                    .containsEntry(FactFamily.ENGAGEMENT, custom)
                    .containsEntry(FactFamily.ONBOARDING, "facts.onboarding");
            published = publisher.publish(dashboardViewBy(ALICE, 3)).join();
        }

        assertThat(published.topic()).isEqualTo(custom);
        assertThat(decoder.decode(custom, onlyRecordOf(custom).value())).isEqualTo(dashboardViewBy(ALICE, 3));
    }

    private static FactPublisher.Builder publisherTo(Map<FactFamily, String> topics) {
        FactPublisher.Builder builder = FactPublisher.builder().bootstrapServers(kafka.bootstrapServers());
        topics.forEach(builder::topic);
        return builder;
    }

    private static ConsumerRecord<byte[], byte[]> onlyRecordOf(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTopics.awaitRecords(kafka.bootstrapServers(), List.of(topic), 1, "the fact reached " + topic);
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    /** Topics of their own for every test, so no test sees another's records. */
    private static String topicPrefix(TestInfo test) {
        return "publisher-it." + test.getTestMethod().orElseThrow().getName();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
