package dev.tracking.client;

import static dev.tracking.testkit.fixtures.FactFixtures.ACME;
import static dev.tracking.testkit.fixtures.FactFixtures.ALICE;
import static dev.tracking.testkit.fixtures.FactFixtures.dashboardViewBy;
import static dev.tracking.testkit.fixtures.FactFixtures.minutesLater;
import static dev.tracking.testkit.fixtures.FactFixtures.subscriptionStarted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.Facts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What {@link FactPublisher#publish} fills in and what a failed publish tells the caller, against Kafka's {@link
 * MockProducer} (sends complete or fail when the test says so); no broker is needed.
 */
class FactPublisherResendTest {
    private static final Instant NOW = Instant.parse("2026-03-02T12:30:00.456Z");

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    /** A clock one second later at every reading, as a resend comes later than the first attempt. */
    private final SteppingClock clock = new SteppingClock(NOW);

    private final FactPublisher publisher =
            new FactPublisher(producer, SingleObjectEncoding.encoder(), defaultTopics(), clock);
    private final FactDecoder decoder = SingleObjectEncoding.decoder();

    @Test
    void resendingAFactWhosePublishFailedRepeatsItsFilledEventIdAndOccurredAt() {
        DashboardViewed unstamped = unstampedDashboardView();

        CompletableFuture<FactPublisher.Published> first = publisher.publish(unstamped);
        producer.errorNext(new TimeoutException("Expiring 1 record(s): 30000 ms has passed since batch creation"));
        assertThat(first).isCompletedExceptionally();
        CompletableFuture<FactPublisher.Published> resend = publisher.publish(unstamped);
        producer.completeNext();

        assertThat(resend).succeedsWithin(Duration.ZERO);
        List<SpecificRecord> attempts = sentFacts();
        assertThat(attempts).hasSize(2);
        assertThat(Facts.eventId(attempts.get(1)))
                .as("event_id of the resend")
                .isNotEmpty()
                .isEqualTo(Facts.eventId(attempts.get(0)));
        assertThat(Facts.occurredAt(attempts.get(1)))
                .as("occurred_at of the resend")
                .isEqualTo(Facts.occurredAt(attempts.get(0)))
                .isEqualTo(NOW);
    }

    @Test
    void fillsTheCallersFactAndReportsTheValuesSent() {
        DashboardViewed unstamped = unstampedDashboardView();

        CompletableFuture<FactPublisher.Published> send = publisher.publish(unstamped);
        producer.completeNext();

        FactPublisher.Published published = send.join();
        assertThat(UUID.fromString(unstamped.getEventId())).hasToString(unstamped.getEventId());
        assertThat(unstamped.getOccurredAt()).isEqualTo(NOW);
        assertThat(published.eventId()).isEqualTo(unstamped.getEventId());
        assertThat(published.occurredAt()).isEqualTo(NOW);
        assertThat(published.topic()).isEqualTo(FactFamily.ENGAGEMENT.defaultTopic());
        assertThat(sentFacts()).containsExactly(unstamped);
    }

    @Test
    void keepsTheEventIdAndTimeTheFactAlreadyHas() {
        DashboardViewed stamped = dashboardViewBy(ALICE, 7);
        DashboardViewed asGiven = DashboardViewed.newBuilder(stamped).build();

        CompletableFuture<FactPublisher.Published> send = publisher.publish(stamped);
        producer.completeNext();

        assertThat(stamped).isEqualTo(asGiven);
        assertThat(send.join().eventId()).isEqualTo(asGiven.getEventId());
        assertThat(send.join().occurredAt()).isEqualTo(asGiven.getOccurredAt());
    }

    @Test
    void unacknowledgedSendFailsWithTheEventIdTimeAndTopicAndKafkasExceptionAsCause() {
        DashboardViewed unstamped = unstampedDashboardView();
        TimeoutException expired = new TimeoutException("Expiring 1 record(s): 30000 ms has passed");

        CompletableFuture<FactPublisher.Published> send = publisher.publish(unstamped);
        producer.errorNext(expired);

        FactNotPublishedException failure = failureOf(send, FactNotPublishedException.class);
        assertThat(failure.eventId()).isNotEmpty().isEqualTo(unstamped.getEventId());
        assertThat(failure.occurredAt()).isEqualTo(NOW).isEqualTo(unstamped.getOccurredAt());
        assertThat(failure.topic()).isEqualTo(FactFamily.ENGAGEMENT.defaultTopic());
        assertThat(failure.getCause()).isSameAs(expired);
        assertThat(failure)
                .hasMessageContaining("DashboardViewed")
                .hasMessageContaining(unstamped.getEventId())
                .hasMessageContaining("facts.engagement");
    }

    @Test
    void sendThatThrowsFailsTheFutureWithTheEventId() {
        DashboardViewed unstamped = unstampedDashboardView();
        IllegalStateException closed =
                new IllegalStateException("Cannot perform operation after producer has been closed");
        producer.sendException = closed;

        CompletableFuture<FactPublisher.Published> send = publisher.publish(unstamped);

        FactNotPublishedException failure = failureOf(send, FactNotPublishedException.class);
        assertThat(failure.eventId()).isEqualTo(unstamped.getEventId());
        assertThat(failure.getCause()).isSameAs(closed);
    }

    @Test
    void invalidFactFailsUnwrappedAndNothingIsSent() {
        SubscriptionStarted negativeSeats = subscriptionStarted("team", -3, minutesLater(13));

        CompletableFuture<FactPublisher.Published> send = publisher.publish(negativeSeats);

        assertThat(failureOf(send, InvalidFactException.class)).hasMessageContaining("seats");
        assertThat(producer.history()).isEmpty();
    }

    private static <T extends Throwable> T failureOf(CompletableFuture<?> send, Class<T> type) {
        assertThat(send).isCompletedExceptionally();
        Throwable cause = catchThrowable(send::join).getCause();
        assertThat(cause).isInstanceOf(type);
        return type.cast(cause);
    }

    private List<SpecificRecord> sentFacts() {
        return producer.history().stream()
                .map((ProducerRecord<byte[], byte[]> r) -> decoder.decode(r.topic(), r.value()))
                .toList();
    }

    /** Alice views the dashboard; event_id and occurred_at left for the publisher to fill. */
    private static DashboardViewed unstampedDashboardView() {
        return new DashboardViewed("", Instant.EPOCH, ACME, ALICE, "dashboard-service");
    }

    private static Map<FactFamily, String> defaultTopics() {
        Map<FactFamily, String> topics = new EnumMap<>(FactFamily.class);
        for (FactFamily family : FactFamily.values()) {
            topics.put(family, family.defaultTopic());
        }
        return topics;
    }

    /** Starts at {@code start} and moves one second on at every reading. */
    private static final class SteppingClock extends Clock {
        private Instant next;

        SteppingClock(Instant start) {
            this.next = start;
        }

        @Override
        public synchronized Instant instant() {
            Instant now = next;
            next = next.plusSeconds(1);
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a test clock in UTC");
        }
    }
}
