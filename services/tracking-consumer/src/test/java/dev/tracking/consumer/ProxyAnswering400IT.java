package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.consumer.consume.ConsumptionHealth;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.Fault;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Something in front of PostHog (a proxy, a load balancer, a wrong port) answers 400 with an HTML page to every
 * request. That is not PostHog refusing events: bisecting would dead-letter every healthy event as
 * {@code rejected-by-posthog}. The consumer stops, reports DOWN, dead-letters and commits nothing.
 */
class ProxyAnswering400IT extends TrackingConsumerITSupport {

    @Autowired
    ConsumptionHealth consumption;

    @Test
    void aBadRequestPageFromAProxyStopsConsumptionAndDeadLettersNothing() throws Exception {
        posthog.faults().next(Fault.notPostHog(400), 10_000);
        List<SpecificRecordBase> facts = FactFixtures.traffic("proxy", 40);
        publish(facts.toArray(SpecificRecordBase[]::new));

        await("the listener container stopped")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !container().isRunning());

        assertThat(posthog.requests())
                .as("no bisection: at most the first request of each of the 15 partitions' deliveries")
                .hasSizeLessThanOrEqualTo(15)
                .allSatisfy(request -> assertThat(request.status()).isEqualTo(400));
        assertThat(consumption.health().getStatus().getCode()).isEqualTo("DOWN");
        assertThat(consumption.health().getDetails().get("error").toString())
                .contains("400", "not PostHog's", "tracking.posthog.host");
        assertThat(readAllNow(deadLetterTopics())).as("nothing dead-lettered").isEmpty();
        assertNothingCommitted();
    }
}
