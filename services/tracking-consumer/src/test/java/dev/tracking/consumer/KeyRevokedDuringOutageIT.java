package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.consumer.consume.ConsumptionHealth;
import dev.tracking.consumer.delivery.DeliveryHealth;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.Fault;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * PostHog is down, the consumer is retrying, and meanwhile the API key is rotated: the first answer after the outage
 * is a 401. A misconfiguration met while retrying must stop consumption and report DOWN exactly as on a first attempt,
 * not be retried forever while health says UP.
 */
class KeyRevokedDuringOutageIT extends TrackingConsumerITSupport {

    @Autowired
    DeliveryHealth health;

    @Autowired
    ConsumptionHealth consumption;

    @Test
    void aKeyRefusedWhileRetryingThroughAnOutageStopsConsumption() throws Exception {
        posthog.faults().outage(true);
        List<SpecificRecordBase> facts = FactFixtures.traffic("key-revoked", 20);
        publish(facts.toArray(SpecificRecordBase[]::new));
        await("the consumer is retrying through the outage")
                .atMost(Duration.ofSeconds(30))
                .until(() -> posthog.requestCount() >= 4);

        posthog.faults().next(Fault.status(401), 1_000).outage(false);

        await("the listener container stopped")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !container().isRunning());
        assertThat(posthog.requests()).anyMatch(request -> request.status() == 401);
        assertThat(posthog.eventCount()).isZero();
        assertThat(health.health().getStatus().getCode()).isEqualTo("DOWN");
        assertThat(consumption.health().getStatus().getCode()).isEqualTo("DOWN");
        assertThat(consumption.health().getDetails().get("error").toString()).contains("401");
        assertThat(readAllNow(deadLetterTopics()))
                .as("nothing dead-lettered for a bad key")
                .isEmpty();
        assertNothingCommitted();
    }
}
