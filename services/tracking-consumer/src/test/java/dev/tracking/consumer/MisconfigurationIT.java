package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.consumer.consume.ConsumptionHealth;
import dev.tracking.consumer.delivery.DeliveryHealth;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.FakePostHog;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** PostHog refuses the API key: the consumer stops, reports DOWN, commits nothing and dead-letters nothing. */
class MisconfigurationIT extends TrackingConsumerITSupport {

    @Autowired
    DeliveryHealth health;

    @Autowired
    ConsumptionHealth consumption;

    @BeforeAll
    static void postHogOfAnotherProject() {
        posthog.close();
        posthog = FakePostHog.start("phc_key_of_another_project");
    }

    @Test
    void aRefusedApiKeyStopsConsumptionReportsDownAndCommitsNothing() throws Exception {
        List<SpecificRecordBase> facts = FactFixtures.traffic("refused-key", 10);
        publish(facts.toArray(SpecificRecordBase[]::new));

        await("the listener container stopped")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !container().isRunning());

        assertThat(posthog.requests())
                .isNotEmpty()
                .allSatisfy(request -> assertThat(request.status()).isEqualTo(401));
        assertThat(health.health().getStatus().getCode()).isEqualTo("DOWN");
        assertThat(health.health().getDetails().get("error").toString()).contains("401", "api-key");
        assertThat(consumption.health().getStatus().getCode()).isEqualTo("DOWN");
        assertThat(consumption.health().getDetails().get("error").toString()).contains("401");
        assertThat(readAllNow(deadLetterTopics()))
                .as("nothing dead-lettered for a bad key")
                .isEmpty();
        assertNothingCommitted();
    }
}
