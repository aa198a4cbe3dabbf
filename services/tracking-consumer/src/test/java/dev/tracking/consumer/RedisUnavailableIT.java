package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
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

/**
 * Redis goes down under a running consumer. {@code pause} (the default) holds delivery until Redis is back, then
 * delivers everything exactly once; {@code fail-open} keeps delivering without de-duplication.
 */
@Timeout(180)
class RedisUnavailableIT {
    @RegisterExtension
    static final StandaloneStack stack = new StandaloneStack("phc_redis_down");

    private void consumer(String mode) {
        stack.consumers()
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
                        "redis-down-" + UUID.randomUUID()));
    }

    @Test
    void pauseModeHoldsDeliveryWhileRedisIsDownAndDeliversEverythingOnceWhenItIsBack() {
        consumer("pause");
        List<SpecificRecordBase> before = FactFixtures.traffic("pause-before", 5);
        publishAll(before);
        await("facts before the outage delivered")
                .atMost(Duration.ofSeconds(30))
                .until(() -> stack.posthog().eventCount() == 5);

        stack.redis().stop();
        List<SpecificRecordBase> during = FactFixtures.traffic("pause-during", 10);
        publishAll(during);
        await("nothing is delivered while Redis is down")
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> stack.posthog().eventCount() == 5);

        stack.redis().restartOnSamePort();
        await("facts published during the outage delivered once Redis is back")
                .atMost(Duration.ofSeconds(60))
                .until(() -> stack.posthog().eventCount() >= 15);

        assertThat(stack.posthog().events()).extracting(CapturedEvent::uuid).doesNotHaveDuplicates();
        assertThat(uuids()).containsAll(TrackingConsumerITSupport.uuidsOf(during));
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

    private static Set<String> uuids() {
        return stack.posthog().events().stream().map(CapturedEvent::uuid).collect(Collectors.toSet());
    }
}
