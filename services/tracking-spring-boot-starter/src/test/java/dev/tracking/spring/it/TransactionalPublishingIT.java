package dev.tracking.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tracking.client.FactPublisher;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.spring.observe.TrackingHealthIndicator;
import dev.tracking.spring.outbox.FactOutbox;
import dev.tracking.spring.outbox.OutboxStore;
import dev.tracking.testkit.postgres.PostgresServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * A service with the starter, a real PostgreSQL and a real broker: a committed fact reaches Kafka once with the
 * {@code event_id} fixed when it was recorded; a rolled-back one never does; an unpublishable row is parked and
 * reported; beans, health and meters come from the dependency and {@code spring.kafka.bootstrap-servers} alone.
 */
@Timeout(120)
class TransactionalPublishingIT {
    private static final String TOPIC = "facts.subscriptions";

    private static PostgresServer postgres;
    private static EmbeddedKafkaBroker kafka;
    private static ServiceInstances instances;
    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void start() {
        postgres = PostgresServer.startOrSkip();
        kafka = FactTopics.broker(0);
        instances = new ServiceInstances(postgres, kafka.getBrokersAsString());
        service = instances.start();
    }

    @AfterAll
    static void stop() {
        if (instances != null) {
            instances.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aCommittedFactReachesKafkaOnceWithTheEventIdFixedWhenItWasRecorded() {
        String team = team();

        FactOutbox.Recorded recorded = subscriptions().start(team, "business", 12);

        List<FactTopics.Landed> landed = await("the committed fact reached Kafka")
                .atMost(Duration.ofSeconds(20))
                .until(() -> landedFor(team), facts -> !facts.isEmpty());
        assertThat(landed).singleElement().satisfies(fact -> {
            assertThat(fact.eventId()).isEqualTo(recorded.eventId());
            assertThat(fact.key()).isEqualTo(team);
            assertThat(((SubscriptionStarted) fact.fact()).getOccurredAt()).isEqualTo(recorded.occurredAt());
        });
        await("the outbox row was deleted")
                .atMost(Duration.ofSeconds(10))
                .until(() -> outboxRows(recorded.eventId()) == 0);
        assertThat(landedFor(team)).as("still once").hasSize(1);
    }

    @Test
    void aRolledBackFactNeverReachesKafka() {
        String team = team();
        String[] rolledBack = new String[1];

        assertThatThrownBy(() -> subscriptions().startThenFail(team, "business", 5, rolledBack))
                .hasMessage("payment declined");
        FactOutbox.Recorded committed = subscriptions().start(team, "team", 3);

        List<FactTopics.Landed> landed = await("the fact committed after the rollback reached Kafka")
                .atMost(Duration.ofSeconds(20))
                .until(() -> landedFor(team), facts -> !facts.isEmpty());
        assertThat(rolledBack[0]).as("the rolled-back fact had an event_id").isNotEmpty();
        assertThat(landed).extracting(FactTopics.Landed::eventId).containsExactly(committed.eventId());
        assertThat(outboxRows(rolledBack[0]))
                .as("no row of the rolled-back fact")
                .isZero();
    }

    @Test
    void aFactInvalidByTodaysRulesIsParkedReportedAndKeptWhileTheNextFactGoes() {
        String team = team();
        SubscriptionStarted negativeSeats = new SubscriptionStarted(
                UUID.randomUUID().toString(), Instant.now(), team, null, "older-version", "business", -4);
        OutboxStore store = service.getBean(OutboxStore.class);
        store.insert(
                negativeSeats.getEventId(),
                "SubscriptionStarted",
                team,
                SingleObjectEncoding.encoder().encode(TOPIC, negativeSeats),
                Instant.now());

        FactOutbox.Recorded next = subscriptions().start(team, "business", 7);

        await("the fact behind the invalid one reached Kafka")
                .atMost(Duration.ofSeconds(20))
                .until(() -> landedFor(team), facts -> !facts.isEmpty());
        assertThat(landedFor(team)).extracting(FactTopics.Landed::eventId).containsExactly(next.eventId());
        assertThat(store.parked())
                .filteredOn(row -> row.eventId().equals(negativeSeats.getEventId()))
                .singleElement()
                .satisfies(row -> assertThat(row.reason()).contains("seats is negative: -4"));
        MeterRegistry meters = service.getBean(MeterRegistry.class);
        await("the parked fact is counted and shown in health")
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> {
                    assertThat(meters.get("tracking.outbox.parked.facts")
                                    .tag("type", "SubscriptionStarted")
                                    .counter()
                                    .count())
                            .isGreaterThanOrEqualTo(1);
                    assertThat(meters.get("tracking.outbox.parked").gauge().value())
                            .isGreaterThanOrEqualTo(1);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> outbox =
                            (Map<String, Object>) health().getDetails().get("outbox");
                    assertThat(outbox).containsKey("lastParked");
                    assertThat((Long) outbox.get("parked")).isGreaterThanOrEqualTo(1L);
                });
    }

    @Test
    void theDependencyAndOnePropertyGiveAPublisherHealthAndMeters() {
        String team = team();
        FactPublisher publisher = service.getBean(FactPublisher.class);
        assertThat(publisher.topics()).containsEntry(dev.tracking.schemas.FactFamily.SUBSCRIPTIONS, TOPIC);

        publisher
                .publish(new SubscriptionStarted("", Instant.EPOCH, team, null, "direct", "business", 1))
                .join();

        MeterRegistry meters = service.getBean(MeterRegistry.class);
        assertThat(meters.get("tracking.facts.published")
                        .tag("type", "SubscriptionStarted")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1);
        assertThat(meters.get("tracking.publish.latency")
                        .tag("type", "SubscriptionStarted")
                        .timer()
                        .count())
                .isGreaterThanOrEqualTo(1);
        Health health = health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsKeys("broker", "lastSent", "outbox");
        assertThat(health.getDetails().get("lastSent")).isNotEqualTo("never");
    }

    @Test
    void aBadValueStopsStartUpNamingTheKeyTheValueAndWhatIsValid() {
        assertThatThrownBy(() -> instances.start(Map.of("tracking.outbox.batch-size", "0")))
                .rootCause()
                .hasMessageContaining("outbox.batchSize")
                .hasMessageContaining("rejected value [0]")
                .hasMessageContaining("must be greater than or equal to 1");
        assertThatThrownBy(() -> instances.start(Map.of("spring.kafka.producer.acks", "1")))
                .rootCause()
                .hasMessageContaining("acks=1")
                .hasMessageContaining("acks=all");
    }

    private static SubscriptionsApplication.Subscriptions subscriptions() {
        return service.getBean(SubscriptionsApplication.Subscriptions.class);
    }

    private static Health health() {
        return service.getBean(TrackingHealthIndicator.class).health();
    }

    private static List<FactTopics.Landed> landedFor(String team) {
        return FactTopics.read(kafka.getBrokersAsString(), TOPIC).stream()
                .filter(fact -> fact.key().equals(team))
                .toList();
    }

    private static int outboxRows(String eventId) {
        return service.getBean(org.springframework.jdbc.core.JdbcTemplate.class)
                .queryForObject("SELECT COUNT(*) FROM tracking_outbox WHERE event_id = ?", Integer.class, eventId);
    }

    private static String team() {
        return "team-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
