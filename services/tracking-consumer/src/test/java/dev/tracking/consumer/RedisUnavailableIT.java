package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Redis goes down under a running consumer. {@code pause} (the default) holds delivery until Redis is back, then
 * delivers everything exactly once; {@code fail-open} keeps delivering without de-duplication.
 */
@Timeout(180)
class RedisUnavailableIT {
    @RegisterExtension
    static final StandaloneStack stack = new StandaloneStack("phc_redis_down");

    private String group;

    private ConfigurableApplicationContext consumer(String mode) {
        group = "redis-down-" + UUID.randomUUID();
        try (GroupProgress progress = GroupProgress.of(stack.kafka().getBrokersAsString(), group)) {
            progress.startAtTheEnd(); // only this test's facts, whichever test ran first
        }
        return stack.consumers()
                .start(Map.of(
                        "tracking.dedup.store",
                        "redis",
                        "tracking.dedup.redis.url",
                        stack.redis().uri().toString(),
                        "tracking.dedup.redis.timeout",
                        "300ms",
                        "tracking.dedup.on-unavailable",
                        mode,
                        "spring.kafka.consumer.group-id",
                        group));
    }

    @Test
    void pauseModeHoldsDeliveryWhileRedisIsDownAndDeliversEverythingOnceWhenItIsBack() {
        MeterRegistry meters = consumer("pause").getBean(MeterRegistry.class);
        List<SpecificRecordBase> before = FactFixtures.traffic("pause-before", 5);
        publishAll(before);
        await("facts before the outage delivered")
                .atMost(Duration.ofSeconds(30))
                .until(() -> stack.posthog().eventCount() == 5);
        double polledBefore = polled(meters);
        long requestsBefore = stack.posthog().requestCount();

        stack.redis().stop();
        List<SpecificRecordBase> during = FactFixtures.traffic("pause-during", 10);
        publishAll(during);
        // each failed round rewinds the facts' partitions: records counted again are rounds retried, not skipped;
        // a request to PostHog ends the wait too, to fail at once on the assertion below
        await("the consumer read the facts published during the outage, found Redis down and read them again")
                .atMost(Duration.ofSeconds(30))
                .until(() -> polled(meters) >= polledBefore + 3 * during.size()
                        || stack.posthog().requestCount() > requestsBefore);
        assertThat(stack.posthog().requestCount())
                .as("requests to PostHog while Redis is down (pause mode sends nothing)")
                .isEqualTo(requestsBefore);
        assertThat(stack.posthog().eventCount()).isEqualTo(5);
        assertThat(meters.get("tracking.facts.delivered").counters().stream()
                        .mapToDouble(io.micrometer.core.instrument.Counter::count)
                        .sum())
                .as("facts counted as delivered")
                .isEqualTo(5);
        assertThat(meters.get("tracking.facts.dead-lettered").counters())
                .as("dead-lettered records, by category")
                .allSatisfy(counter -> assertThat(counter.count()).isZero());

        stack.redis().restartOnSamePort();
        try (GroupProgress progress = GroupProgress.of(stack.kafka().getBrokersAsString(), group)) {
            progress.awaitCaughtUp(
                    "facts published during the outage settled once Redis is back", Duration.ofSeconds(60));
        }

        assertThat(uuids()).containsAll(TrackingConsumerITSupport.uuidsOf(during));
        assertThat(stack.posthog().events())
                .extracting(CapturedEvent::uuid)
                .doesNotHaveDuplicates()
                .hasSize(15);
    }

    @Test
    void failOpenModeKeepsDeliveringWhileRedisIsDown() {
        consumer("fail-open");
        stack.redis().stop();
        List<SpecificRecordBase> during = FactFixtures.traffic("fail-open-during", 10);
        publishAll(during);

        await("facts delivered without Redis")
                .atMost(Duration.ofSeconds(30))
                .until(() -> uuids().containsAll(TrackingConsumerITSupport.uuidsOf(during)));
    }

    private void publishAll(List<SpecificRecordBase> facts) {
        TestPublishing.publishAll(stack.publisher(), facts);
    }

    private static double polled(MeterRegistry meters) {
        return meters.get("tracking.batch.size").summary().totalAmount(); // records polled, re-reads included
    }

    private static Set<String> uuids() {
        return stack.posthog().events().stream().map(CapturedEvent::uuid).collect(Collectors.toSet());
    }
}
