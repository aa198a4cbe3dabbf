package dev.tracking.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.spring.observe.TrackingHealthIndicator;
import dev.tracking.testkit.kafka.KafkaBrokerProcess;
import dev.tracking.testkit.postgres.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The broker (a real broker process, {@link KafkaBrokerProcess}) goes down while the service runs and commits facts:
 * they wait in the outbox table (attempts counted, health DOWN) and all arrive, once each and in recording order per
 * team, when it is back on the same port. The outage lasts {@code -Doutage.seconds} (default 5 s to keep {@code make
 * test} short; the 30 s behaves the same: the relay's back-off is capped at {@code max-backoff}, 1 s here, so
 * a longer outage is more of the same rounds).
 */
@Timeout(180)
class BrokerOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("outage.seconds", 5));
    private static final int TEAMS = 3;
    private static final int FACTS_PER_TEAM = 20;

    private PostgresServer postgres;
    private KafkaBrokerProcess kafka;
    private ServiceInstances instances;

    @AfterEach
    void stop() {
        if (instances != null) {
            instances.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void factsCommittedWhileTheBrokerIsDownWaitInTheTableAndAllArriveInOrderWhenItIsBack() {
        postgres = PostgresServer.startOrSkip();
        kafka = KafkaBrokerProcess.start();
        instances = new ServiceInstances(postgres, kafka.bootstrapServers());
        ConfigurableApplicationContext service = instances.start();
        var subscriptions = service.getBean(SubscriptionsApplication.Subscriptions.class);
        JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
        String before = subscriptions.start("outage-before", "business", 1).eventId();
        await("a fact before the outage arrived")
                .atMost(Duration.ofSeconds(30))
                .until(() -> FactTopics.read(kafka.bootstrapServers(), "facts.subscriptions"), l -> l.size() == 1);

        kafka.stop();
        long outageStart = System.nanoTime();

        List<String> eventIds = new ArrayList<>();
        for (int seat = 1; seat <= FACTS_PER_TEAM; seat++) {
            for (int team = 0; team < TEAMS; team++) {
                eventIds.add(
                        subscriptions.start("outage-" + team, "business", seat).eventId());
            }
        }

        await("the relay tried and kept every fact in the table")
                .atMost(OUTAGE.plusSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM tracking_outbox WHERE attempts > 0 AND parked_at IS NULL",
                                Integer.class)
                        > 0);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM tracking_outbox", Integer.class))
                .isEqualTo(TEAMS * FACTS_PER_TEAM);
        assertThat(service.getBean(TrackingHealthIndicator.class).health().getStatus())
                .as("health while the broker is down")
                .isEqualTo(Status.DOWN);
        sleepRestOf(outageStart);

        kafka.restart();
        eventIds.add(before);

        await("every fact arrived after the outage")
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> FactTopics.read(kafka.bootstrapServers(), "facts.subscriptions"),
                        landed -> landed.size() >= eventIds.size());
        List<FactTopics.Landed> landed = FactTopics.read(kafka.bootstrapServers(), "facts.subscriptions");
        assertThat(landed).extracting(FactTopics.Landed::eventId).containsExactlyInAnyOrderElementsOf(eventIds);
        Map<String, List<Integer>> seatsByTeam = landed.stream()
                .collect(Collectors.groupingBy(
                        FactTopics.Landed::key,
                        Collectors.mapping(l -> ((SubscriptionStarted) l.fact()).getSeats(), Collectors.toList())));
        List<Integer> inOrder = java.util.stream.IntStream.rangeClosed(1, FACTS_PER_TEAM)
                .boxed()
                .toList();
        assertThat(seatsByTeam.remove("outage-before")).containsExactly(1);
        assertThat(seatsByTeam)
                .hasSize(TEAMS)
                .allSatisfy((team, seats) -> assertThat(seats)
                        .as("facts of %s in offset order", team)
                        .isEqualTo(inOrder));
        await("the table is empty and health UP").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM tracking_outbox", Integer.class))
                    .isZero();
            assertThat(service.getBean(TrackingHealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.UP);
        });
    }

    /** The outage is the scenario: the broker stays down this long, whatever the test checked meanwhile. */
    private static void sleepRestOf(long outageStart) {
        long left = OUTAGE.toNanos() - (System.nanoTime() - outageStart);
        if (left > 0) {
            try {
                Thread.sleep(Duration.ofNanos(left).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
