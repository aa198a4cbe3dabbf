package dev.tracking.consumer.dedup;

import static dev.tracking.testkit.fixtures.FactFixtures.ALICE;
import static dev.tracking.testkit.fixtures.FactFixtures.dashboardViewBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tracking.consumer.config.DedupProperties;
import dev.tracking.consumer.config.DedupProperties.Mode;
import dev.tracking.consumer.config.DedupProperties.OnUnavailable;
import dev.tracking.consumer.dedup.DedupStore.FactKey;
import dev.tracking.consumer.mapping.FactMapping;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Redis that is full: under {@code noeviction} it refuses writes and the store says so at once (no hang), reads go on,
 * and once expiring keys make room everything works again by itself; under {@code volatile-ttl}, the recommended
 * policy, Redis evicts the oldest delivered facts and the store never fails.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisDedupStoreFullIT {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration NEVER_HANGS = TIMEOUT.multipliedBy(5);
    private static final long NOW = System.currentTimeMillis();
    private static final FactKey SIGNUP_ALICE = new FactKey(UUID.randomUUID(), NOW);

    private RedisServer redis;
    private RedisClient rawClient;
    private StatefulRedisConnection<String, String> rawConnection;
    private RedisCommands<String, String> raw;

    @BeforeEach
    void startRedis() {
        redis = RedisServer.startOrSkip();
        rawClient = RedisClient.create(RedisURI.create(redis.uri()));
        rawConnection = rawClient.connect();
        raw = rawConnection.sync();
    }

    @AfterEach
    void stopRedis() {
        if (rawConnection != null) {
            rawConnection.close();
            rawClient.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aFullRedisUnderNoevictionRefusesWritesPromptlyAnswersReadsAndAllowsUndo() {
        try (DedupStore store = connect(Duration.ofDays(7))) {
            store.markDelivered(List.of(SIGNUP_ALICE));
            store.claim(Map.of("first_view:alice", "view-1"));
            store.advance(Map.of("acme\u001fplan", 200L));

            fill("noeviction");

            assertThat(store.delivered(List.of(SIGNUP_ALICE)))
                    .as("reads still work")
                    .containsExactly(SIGNUP_ALICE);
            List<Consumer<DedupStore>> writes = List.of(
                    s -> s.markDelivered(List.of(new FactKey(UUID.randomUUID(), NOW))),
                    s -> s.claim(Map.of("first_view:alice", "view-1")),
                    s -> s.claim(Map.of("first_view:bob", "view-2")),
                    s -> s.advance(Map.of("acme\u001fplan", 300L)));
            for (Consumer<DedupStore> write : writes) {
                assertTimeoutPreemptively(
                        NEVER_HANGS,
                        () -> assertThatThrownBy(() -> write.accept(store))
                                .isInstanceOf(DedupStoreUnavailableException.class)
                                .hasMessageContaining("OOM"));
            }
            assertThatCode(() -> {
                        store.release(Map.of("first_view:alice", "view-1"));
                        store.clocks(List.of("acme\u001fplan"));
                    })
                    .as("releasing a claim only shrinks, reading clocks writes nothing: allowed when full")
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void thePipelinePausesOrFailsOpenOnAFullRedisAndMarkingIsOnlyLogged() {
        try (DedupStore store = connect(Duration.ofDays(7))) {
            store.claim(Map.of("warm-up", "warm-up"));
            fill("noeviction");
            StateFilter paused = new StateFilter(store, OnUnavailable.PAUSE);
            StateFilter open = new StateFilter(store, OnUnavailable.FAIL_OPEN);
            var firstView = FactMapping.standard().map(dashboardViewBy(ALICE, 1));

            assertThatThrownBy(() -> paused.filter(firstView)).isInstanceOf(DedupStoreUnavailableException.class);
            assertThat(open.filter(firstView).events()).hasSameSizeAs(firstView);
            var taken = open.filter(firstView).taken();
            assertThatCode(() -> paused.settle(taken, java.util.Set.of(), List.of(SIGNUP_ALICE)))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void underNoevictionWritesWorkAgainOnceExpiredFactsMakeRoom() {
        Duration window = Duration.ofSeconds(2);
        try (DedupStore store = connect(window)) {
            markRandomFacts(store, 20_000); // about 500 KB, expiring in two seconds
            raw.configSet("maxmemory-policy", "noeviction");
            raw.configSet("maxmemory", Long.toString(usedMemory() - 100_000));
            assertThatThrownBy(() -> store.claim(Map.of("first_view:alice", "view-1")))
                    .isInstanceOf(DedupStoreUnavailableException.class);

            await("claims work again once the delivered facts of the last two seconds expired")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreException(DedupStoreUnavailableException.class)
                    .untilAsserted(() -> assertThat(store.claim(Map.of("first_view:alice", "view-1")))
                            .containsExactly(Map.entry("first_view:alice", "view-1")));
        }
    }

    @Test
    void underVolatileTtlRedisEvictsOldDeliveredFactsAndKeepsClaimsAndClocks() {
        try (DedupStore store = connect(Duration.ofDays(7))) {
            store.claim(Map.of("first_view:alice", "view-1"));
            store.advance(Map.of("acme\u001fplan", 200L));
            markRandomFacts(store, 2000);
            raw.configSet("maxmemory-policy", "volatile-ttl");
            raw.configSet("maxmemory", Long.toString(usedMemory() + 2_000_000));

            assertThatCode(() -> markRandomFacts(store, 300_000))
                    .as("about 7 MB of facts into 2 MB of room")
                    .doesNotThrowAnyException();

            assertThat(stat("evicted_keys")).as("keys Redis evicted").isPositive();
            assertThat(store.claim(Map.of("first_view:alice", "view-2")))
                    .containsExactly(Map.entry("first_view:alice", "view-1"));
            assertThat(store.advance(Map.of("acme\u001fplan", 100L)))
                    .containsExactly(Map.entry("acme\u001fplan", 200L));
        }
    }

    private DedupStore connect(Duration window) {
        return RedisDedupStore.connect(
                new DedupProperties.Redis(
                        List.of(redis.uri()),
                        Mode.STANDALONE,
                        TIMEOUT,
                        "tracking:",
                        16,
                        Duration.ofDays(400),
                        DedupProperties.Tls.NONE),
                window);
    }

    /** Sets {@code policy} and a memory limit Redis is already above. */
    private void fill(String policy) {
        raw.configSet("maxmemory-policy", policy);
        raw.configSet("maxmemory", "1");
    }

    private static void markRandomFacts(DedupStore store, int count) {
        Random random = new Random(count);
        List<FactKey> batch = new ArrayList<>(2000);
        for (int i = 0; i < count; i++) {
            long occurredAt = NOW
                    - Duration.ofHours(24).toMillis()
                    + (long) i * Duration.ofHours(24).toMillis() / count;
            batch.add(new FactKey(new UUID(random.nextLong(), random.nextLong()), occurredAt));
            if (batch.size() == 2000 || i == count - 1) {
                store.markDelivered(batch);
                batch.clear();
            }
        }
    }

    private long usedMemory() {
        return stat("used_memory");
    }

    private long stat(String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + ":(\\d+)").matcher(raw.info("everything"));
        assertThat(matcher.find()).as("INFO has %s", name).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
