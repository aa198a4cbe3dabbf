package dev.tracking.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.testkit.postgres.PostgresServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * Two instances of a service relay the same outbox table while both record facts: every fact is sent by exactly one
 * of them (measured: records on the topic minus distinct {@code event_id}s), and each team's facts land in the order
 * they were recorded although the two relays share the work.
 */
@Timeout(180)
class TwoInstancesIT {
    private static final int TEAMS = 10;
    private static final int FACTS_PER_TEAM = 40;

    private PostgresServer postgres;
    private EmbeddedKafkaBroker kafka;
    private ServiceInstances instances;

    @AfterEach
    void stop() {
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
    void twoRelaysOnOneTableSendEveryFactOnceAndKeepEachTeamsOrder() {
        postgres = PostgresServer.startOrSkip();
        kafka = FactTopics.broker(0);
        instances = new ServiceInstances(postgres, kafka.getBrokersAsString());
        Map<String, String> smallRounds =
                Map.of("tracking.outbox.batch-size", "15", "tracking.outbox.poll-interval", "50ms");
        ConfigurableApplicationContext first = instances.start(smallRounds);
        ConfigurableApplicationContext second = instances.start(smallRounds);

        List<String> eventIds = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> byFirst = CompletableFuture.runAsync(() -> record(first, 0, TEAMS / 2, eventIds));
        CompletableFuture<Void> bySecond = CompletableFuture.runAsync(() -> record(second, TEAMS / 2, TEAMS, eventIds));
        CompletableFuture.allOf(byFirst, bySecond).join();

        await("every fact reached Kafka")
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> FactTopics.read(kafka.getBrokersAsString(), "facts.subscriptions"),
                        landed -> landed.size() >= eventIds.size());
        List<FactTopics.Landed> landed = FactTopics.read(kafka.getBrokersAsString(), "facts.subscriptions");
        Set<String> distinct = new HashSet<>();
        landed.forEach(l -> distinct.add(l.eventId()));
        int duplicates = landed.size() - distinct.size();
        System.out.printf(
                "TwoInstancesIT: %d facts recorded, %d records on the topic, %d duplicates; sent by the first instance"
                        + " %.0f, by the second %.0f%n",
                eventIds.size(), landed.size(), duplicates, published(first), published(second));
        assertThat(duplicates).as("facts sent twice").isZero();
        assertThat(distinct).containsExactlyInAnyOrderElementsOf(eventIds);
        assertThat(published(first)).as("facts the first instance's relay sent").isPositive();
        assertThat(published(second))
                .as("facts the second instance's relay sent")
                .isPositive();
        Map<String, List<Integer>> seatsByTeam = landed.stream()
                .collect(Collectors.groupingBy(
                        FactTopics.Landed::key,
                        Collectors.mapping(l -> ((SubscriptionStarted) l.fact()).getSeats(), Collectors.toList())));
        List<Integer> inOrder = IntStream.rangeClosed(1, FACTS_PER_TEAM).boxed().toList();
        assertThat(seatsByTeam)
                .hasSize(TEAMS)
                .allSatisfy((team, seats) -> assertThat(seats)
                        .as("facts of %s in offset order", team)
                        .isEqualTo(inOrder));
    }

    /** Teams [from, to) each get their facts in seat order, one transaction each, interleaved across teams. */
    private static void record(ConfigurableApplicationContext instance, int from, int to, List<String> eventIds) {
        var subscriptions = instance.getBean(SubscriptionsApplication.Subscriptions.class);
        for (int seat = 1; seat <= FACTS_PER_TEAM; seat++) {
            for (int team = from; team < to; team++) {
                eventIds.add(
                        subscriptions.start("pair-" + team, "business", seat).eventId());
            }
        }
    }

    private static double published(ConfigurableApplicationContext instance) {
        var counter = instance.getBean(MeterRegistry.class)
                .find("tracking.facts.published")
                .tag("type", "SubscriptionStarted")
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
