package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.consumer.delivery.DeliveryHealth;
import dev.tracking.schemas.Facts;
import dev.tracking.testkit.fixtures.FactFixtures;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** PostHog down for a while: consumption backs off instead of dead-lettering, and catches up once PostHog is back. */
class OutageIT extends TrackingConsumerITSupport {

    @Autowired
    CircuitBreaker breaker;

    @Autowired
    DeliveryHealth health;

    @Test
    void anOutageOpensTheBreakerBacksOffAndLosesNothingOnceOver() {
        AtomicBoolean breakerOpened = new AtomicBoolean();
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                breakerOpened.set(true);
            }
        });
        posthog.faults().outage(true);
        List<SpecificRecordBase> facts = FactFixtures.traffic("outage", 60);
        publish(facts.toArray(SpecificRecordBase[]::new));

        await("the circuit breaker opened").atMost(Duration.ofSeconds(20)).untilTrue(breakerOpened);
        await("consumption keeps backing off while PostHog is down")
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> posthog.eventCount() == 0);
        long requestsDuringOutage = posthog.requestCount();
        assertThat(health.health().getStatus().getCode())
                .as("a transient outage is not a misconfiguration")
                .isEqualTo("UP");

        posthog.faults().outage(false);
        awaitUuids("every event arrived after the outage", uuidsOf(facts));

        // 60 facts on 3 partitions x 2 threads; with back-off and the breaker, a few dozen attempts, not thousands
        assertThat(requestsDuringOutage).as("requests sent during the outage").isLessThan(150);
        assertThat(posthog.unexplainedDuplicates()).isEmpty();
        Set<String> ids = facts.stream().map(Facts::eventId).collect(Collectors.toSet());
        assertThat(readAllNow(deadLetterTopics()))
                .as("nothing dead-lettered because PostHog was down")
                .noneMatch(record -> ids.stream()
                        .anyMatch(id ->
                                new String(record.value(), java.nio.charset.StandardCharsets.ISO_8859_1).contains(id)));
    }
}
