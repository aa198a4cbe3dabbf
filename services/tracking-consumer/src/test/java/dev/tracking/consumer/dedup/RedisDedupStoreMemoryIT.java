package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.consumer.config.DedupProperties;
import dev.tracking.consumer.dedup.DedupStore.FactKey;
import dev.tracking.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How much Redis memory a remembered fact takes: {@code used_memory} of {@code INFO memory} before and after a million
 * facts go through {@link RedisDedupStore} as a live stream would send them (random ids, {@code occurred_at} spread
 * over the last 24 hours and in order, batches of 2000 looked up and then marked). The README quotes what it prints.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisDedupStoreMemoryIT {
    private static final int FACTS = 1_000_000;
    private static final int BATCH = 2000;
    private static final long BUDGET_BYTES_PER_FACT = 32;

    @Test
    void remembersAMillionFactsInAtMost32BytesOfRedisMemoryEach() {
        try (RedisServer redis = RedisServer.startOrSkip();
                DedupStore store =
                        RedisDedupStore.connect(DedupProperties.Redis.standalone(redis.uri()), Duration.ofDays(7))) {
            RedisClient client = RedisClient.create(RedisURI.create(redis.uri()));
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> raw = connection.sync();
                long now = System.currentTimeMillis();
                long start = now - Duration.ofHours(24).toMillis();
                // loads the scripts, so that their cache is not counted as facts
                FactKey warmUp =
                        new FactKey(new UUID(0, 0), start - Duration.ofDays(30).toMillis());
                store.delivered(List.of(warmUp));
                store.markDelivered(List.of(warmUp));
                long before = usedMemory(raw.info("memory"));

                Random random = new Random(20260301);
                long startedNanos = System.nanoTime();
                List<FactKey> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < FACTS; i++) {
                    long occurredAt = start + (long) i * (now - start) / FACTS;
                    batch.add(new FactKey(new UUID(random.nextLong(), random.nextLong()), occurredAt));
                    if (batch.size() == BATCH) {
                        assertThat(store.delivered(batch)).isEmpty();
                        store.markDelivered(batch);
                        batch.clear();
                    }
                }
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
                long after = usedMemory(raw.info("memory"));
                double perFact = (double) (after - before) / FACTS;

                Map<String, Integer> encodings = new TreeMap<>();
                List<String> buckets = raw.keys("tracking:{*}d:*");
                for (String bucket : buckets) {
                    encodings.merge(raw.objectEncoding(bucket), 1, Integer::sum);
                }
                System.out.printf(
                        "RedisDedupStore, %,d facts over 24 hours in batches of %d (looked up, then marked) in %,d"
                                + " ms: used_memory %,d -> %,d bytes, %.1f bytes per remembered fact; %,d buckets"
                                + " (%.0f facts each), encodings %s%n",
                        FACTS,
                        BATCH,
                        tookMillis,
                        before,
                        after,
                        perFact,
                        buckets.size(),
                        (double) FACTS / buckets.size(),
                        encodings);

                assertThat(perFact)
                        .as("bytes of Redis memory per remembered fact")
                        .isLessThanOrEqualTo(BUDGET_BYTES_PER_FACT);
                assertThat(store.delivered(List.of(warmUp))).containsExactly(warmUp);
            } finally {
                client.shutdown();
            }
        }
    }

    private static long usedMemory(String info) {
        Matcher matcher = Pattern.compile("used_memory:(\\d+)").matcher(info);
        assertThat(matcher.find()).as("INFO memory has used_memory").isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
