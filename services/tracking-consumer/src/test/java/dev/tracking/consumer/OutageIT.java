package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.consumer.delivery.DeliveryHealth;
import dev.tracking.schemas.Facts;
import dev.tracking.testkit.fixtures.FactFixtures;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * PostHog down for a while: consumption backs off instead of dead-lettering or committing, and catches up once PostHog
 * is back, with traffic that carries milestones and group updates; every repeat is an exact copy of a request the
 * consumer had reason to resend.
 */
class OutageIT extends TrackingConsumerITSupport {

    @Autowired
    CircuitBreaker breaker;

    @Autowired
    DeliveryHealth health;

    @Autowired
    MeterRegistry meters;

    @Test
    void anOutageOpensTheBreakerBacksOffAndLosesNothingOnceOver() throws Exception {
        AtomicLong requestsWhenOpened = new AtomicLong(-1);
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                requestsWhenOpened.compareAndSet(-1, posthog.requestCount());
            }
        });
        posthog.faults().outage(true);
        List<SpecificRecordBase> facts = FactFixtures.trafficWithState("outage", 60);
        publish(facts.toArray(SpecificRecordBase[]::new));

        await("the circuit breaker opened").atMost(Duration.ofSeconds(20)).until(() -> requestsWhenOpened.get() >= 0);
        await("a partition is paused to back off")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> container().getAssignedPartitions().stream().anyMatch(container()::isPartitionPaused));
        // a rewound partition reads its records again: records polled twice (batch sizes) are rounds retried
        await(
                        "the consumer retried after the breaker opened: PostHog was asked 3 more times, the facts were read again")
                .atMost(Duration.ofSeconds(20))
                .until(() -> posthog.requestCount() >= requestsWhenOpened.get() + 3
                        && meters.get("tracking.batch.size").summary().totalAmount() >= 2 * facts.size());
        assertThat(posthog.eventCount())
                .as("events PostHog accepted during the outage")
                .isZero();
        assertThat(counted("tracking.facts.delivered"))
                .as("facts counted as delivered")
                .isZero();
        assertThat(meters.get("tracking.facts.dead-lettered").counters())
                .as("records dead-lettered because PostHog was down, by category")
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
        assertNothingCommitted();
        assertThat(health.health().getStatus().getCode())
                .as("a transient outage is not a misconfiguration")
                .isEqualTo("UP");
        long requestsDuringOutage = posthog.requestCount();

        posthog.faults().outage(false);
        awaitUuids("every event arrived after the outage", uuidsOf(facts));

        // 60 facts on 5 topics x 3 partitions, 2 threads; with back-off and the breaker, a few dozen attempts
        assertThat(requestsDuringOutage).as("requests sent during the outage").isLessThan(150);
        assertThat(posthog.unexplainedDuplicates())
                .as("repeats that are not exact copies of a request the consumer had reason to resend")
                .isEmpty();
        Set<String> ids = facts.stream().map(Facts::eventId).collect(Collectors.toSet());
        assertThat(readAllNow(deadLetterTopics()))
                .as("nothing dead-lettered because PostHog was down")
                .noneMatch(record -> ids.stream()
                        .anyMatch(id -> new String(record.value(), StandardCharsets.ISO_8859_1).contains(id)));
    }

    /** The sum of a family's counters, every tag. */
    private double counted(String counter) {
        return meters.get(counter).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }
}
