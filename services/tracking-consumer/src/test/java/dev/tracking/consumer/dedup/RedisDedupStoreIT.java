package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tracking.consumer.config.DedupProperties;
import dev.tracking.consumer.dedup.DedupStore.FactKey;
import dev.tracking.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RedisDedupStore} against a real standalone {@code redis-server} (skipped when it is not installed): the shared
 * contract, the key layout, and what happens when Redis dies, hangs, comes back or was never there.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisDedupStoreIT extends DedupStoreContract {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** A correctness bound (the store must not hang), not a performance target. */
    private static final Duration NEVER_HANGS = TIMEOUT.multipliedBy(5);

    private static RedisServer redis;
    private static RedisClient rawClient;
    private static StatefulRedisConnection<String, String> rawConnection;
    private static RedisCommands<String, String> raw;
    private static StatefulRedisConnection<byte[], byte[]> rawBytesConnection;
    private static RedisCommands<byte[], byte[]> rawBytes;
    private static final RedisKeyLayout LAYOUT = new RedisKeyLayout("tracking:", 16);

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startOrSkip();
        rawClient = RedisClient.create(RedisURI.create(redis.uri()));
        rawConnection = rawClient.connect();
        raw = rawConnection.sync();
        rawBytesConnection = rawClient.connect(ByteArrayCodec.INSTANCE);
        rawBytes = rawBytesConnection.sync();
    }

    @AfterAll
    static void stopRedis() {
        if (rawConnection != null) {
            rawBytesConnection.close();
            rawConnection.close();
            rawClient.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void emptyRedis() {
        raw.flushall();
    }

    @Override
    protected DedupStore newStore(Duration window) {
        return RedisDedupStore.connect(settings(redis.uri(), "tracking:"), window);
    }

    @Override
    protected void letTimePass(Duration duration) {
        RedisClock.awaitPassed(duration, List.of(raw));
    }

    @Override
    protected Duration shortWindow() {
        return Duration.ofSeconds(1);
    }

    private static DedupProperties.Redis settings(URI url, String keyPrefix) {
        return new DedupProperties.Redis(
                List.of(url),
                DedupProperties.Mode.STANDALONE,
                TIMEOUT,
                keyPrefix,
                16,
                Duration.ofDays(400),
                DedupProperties.Tls.NONE);
    }

    @Test
    void storesADeliveredFactAsSixteenBytesInACompactHashOfItsHourWithTheWindowAsTtl() {
        DedupStore store = store(Duration.ofDays(7));

        store.markDelivered(List.of(SIGNUP_ALICE));

        long hour = RedisKeyLayout.hourOf(OCCURRED);
        assertThat(raw.hgetall("tracking:{m}h:" + hour))
                .as("the hour's meta hash: one bucket per shard (no hour around it had facts), one mark")
                .containsOnly(Map.entry("n", "16"), Map.entry("c", "1"));
        byte[] bucket = bytes(LAYOUT.bucketKey(hour, RedisKeyLayout.bucketOf(SIGNUP_ALICE.eventId(), 16)));
        assertThat(rawBytes.hlen(bucket)).isEqualTo(1L);
        assertThat(rawBytes.hget(bucket, RedisKeyLayout.field(SIGNUP_ALICE.eventId())))
                .isEqualTo(bytes("1"));
        assertThat(rawBytes.objectEncoding(bucket)).isEqualTo("listpack");
        assertThat(rawBytes.pttl(bucket))
                .isBetween(
                        Duration.ofDays(7).minusSeconds(30).toMillis(),
                        Duration.ofDays(7).toMillis());
        assertThat(raw.pttl("tracking:{m}h:" + hour))
                .as("the meta hash outlives its buckets by a day")
                .isBetween(
                        Duration.ofDays(8).minusSeconds(30).toMillis(),
                        Duration.ofDays(8).toMillis());
    }

    @Test
    void markingAgainResetsTheTtlOfTheBucket() {
        DedupStore store = store(Duration.ofDays(7));
        store.markDelivered(List.of(SIGNUP_ALICE));
        byte[] bucket = bytes(
                LAYOUT.bucketKey(RedisKeyLayout.hourOf(OCCURRED), RedisKeyLayout.bucketOf(SIGNUP_ALICE.eventId(), 16)));
        rawBytes.pexpire(bucket, 60_000);

        store.markDelivered(List.of(SIGNUP_ALICE));

        assertThat(rawBytes.pttl(bucket)).isGreaterThan(Duration.ofDays(6).toMillis());
    }

    @Test
    void sizesAnHourFromTheFactsMarkedInTheHourBefore() {
        DedupStore store = store();
        long hour = RedisKeyLayout.hourOf(OCCURRED);
        long before = (hour - 1) * 3_600_000L;
        Random random = new Random(3);
        List<FactKey> previousHour = new ArrayList<>();
        for (int i = 0; i < 6400; i++) {
            previousHour.add(new FactKey(new UUID(random.nextLong(), random.nextLong()), before + i * 500L));
        }
        for (int from = 0; from < previousHour.size(); from += 1600) {
            store.markDelivered(previousHour.subList(from, from + 1600));
        }

        store.markDelivered(List.of(SIGNUP_ALICE));

        assertThat(raw.hget("tracking:{m}h:" + (hour - 1), "c")).isEqualTo("6400");
        assertThat(raw.hget("tracking:{m}h:" + hour, "n"))
                .as("6400 facts the hour before, at 64 per bucket")
                .isEqualTo("100");
    }

    @Test
    void storesClaimsAndClocksReadablyWithTheStateTtlRefreshedByEveryTouch() {
        DedupStore store = store();
        String claim = LAYOUT.claimKey("dashboard_first_view:alice");
        String clock = LAYOUT.clockKey(ACME_PLAN);

        store.claim(Map.of("dashboard_first_view:alice", "view-1"));
        store.advance(Map.of(ACME_PLAN, 1_700_000_000_123L));

        assertThat(raw.get(claim)).isEqualTo("view-1");
        assertThat(raw.get(clock)).isEqualTo("1700000000123");
        assertThat(List.of(raw.pttl(claim), raw.pttl(clock)))
                .allSatisfy(ttl ->
                        assertThat(ttl).isGreaterThan(Duration.ofDays(399).toMillis()));

        raw.pexpire(claim, 60_000);
        raw.pexpire(clock, 60_000);
        store.claim(Map.of("dashboard_first_view:alice", "view-2"));
        store.advance(Map.of(ACME_PLAN, 1L));
        assertThat(List.of(raw.pttl(claim), raw.pttl(clock)))
                .as("a held claim and an older update refresh the TTL too")
                .allSatisfy(ttl ->
                        assertThat(ttl).isGreaterThan(Duration.ofDays(399).toMillis()));

        raw.pexpire(clock, 60_000);
        assertThat(store.clocks(List.of(ACME_PLAN))).containsExactly(Map.entry(ACME_PLAN, 1_700_000_000_123L));
        assertThat(raw.pttl(clock)).as("reading leaves the TTL").isBetween(1L, 60_000L);
    }

    @Test
    void everyKeyTheStoreWritesExpiresSoAVolatilePolicyCanEvictIt() {
        DedupStore store = store();
        store.markDelivered(facts("fact", 500));
        store.claim(Map.of("first_view:alice", "view-1"));
        store.advance(Map.of(ACME_PLAN, 5L));

        List<String> keys = raw.keys("*");
        assertThat(keys).hasSizeGreaterThan(10);
        assertThat(keys).allSatisfy(key -> assertThat(raw.pttl(key)).as(key).isPositive());
    }

    @Test
    void storesWithDifferentPrefixesDoNotSeeEachOther() {
        DedupStore staging = RedisDedupStore.connect(settings(redis.uri(), "staging:"), Duration.ofDays(7));
        DedupStore production = store();
        try (staging) {
            staging.markDelivered(List.of(SIGNUP_ALICE));
            staging.claim(Map.of("first_view:alice", "view-1"));

            assertThat(raw.keys("staging:*")).isNotEmpty();
            assertThat(raw.keys("tracking:*")).isEmpty();
            assertThat(production.delivered(List.of(SIGNUP_ALICE))).isEmpty();
            assertThat(production.claim(Map.of("first_view:alice", "view-2")))
                    .containsExactly(Map.entry("first_view:alice", "view-2"));
        }
    }

    @Test
    void aNewStoreOnTheSameRedisRemembersWhatTheOldOneStored() {
        try (DedupStore before = newStore(Duration.ofDays(7))) {
            before.markDelivered(List.of(SIGNUP_ALICE));
            before.claim(Map.of("first_view:alice", "view-1"));
            before.advance(Map.of(ACME_PLAN, 200L));
        }

        DedupStore after = store();

        assertThat(after.delivered(List.of(SIGNUP_ALICE, SIGNUP_BOB))).containsExactly(SIGNUP_ALICE);
        assertThat(after.claim(Map.of("first_view:alice", "view-2")))
                .containsExactly(Map.entry("first_view:alice", "view-1"));
        assertThat(after.advance(Map.of(ACME_PLAN, 100L))).containsExactly(Map.entry(ACME_PLAN, 200L));
    }

    @Test
    void writesAgainWhereAnHourDecidedAgainPutsAFact() {
        DedupStore knowing = store();
        knowing.markDelivered(List.of(SIGNUP_ALICE)); // hour decided: 16 buckets, known to this store
        String meta = "tracking:{m}h:" + RedisKeyLayout.hourOf(OCCURRED);
        raw.del(meta); // as if it expired or was evicted, then another instance decided anew:
        raw.hset(meta, Map.of("n", "40", "c", "1"));

        knowing.markDelivered(List.of(SIGNUP_BOB));

        assertThat(store().delivered(List.of(SIGNUP_BOB)))
                .as("a store that reads the hour anew finds bob where 40 buckets put him")
                .containsExactly(SIGNUP_BOB);
    }

    @Test
    void eachOperationSendsAtMostOneCommandPerShardWhateverTheBatchSize() {
        DedupStore store = store();
        List<FactKey> batch = facts("fact", 2000);
        Map<String, String> claims = new HashMap<>();
        Map<String, Long> clocks = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            claims.put("first_view:user-" + i, "view-" + i);
            clocks.put("team-" + i + SEP + "plan", (long) i);
        }
        warmUp(store);
        raw.configResetstat();

        store.delivered(batch);
        store.markDelivered(batch);
        long bucketCommands = commandCalls().getOrDefault("evalsha", 0L);
        store.claim(claims);
        store.advance(clocks);

        Map<String, Long> calls = commandCalls();
        assertThat(bucketCommands)
                .as("EVALSHA calls of delivered and markDelivered: one per shard each, and one for the hour")
                .isEqualTo(16 + 16 + 1);
        assertThat(calls.get("evalsha")).as("EVALSHA calls in all").isEqualTo(16 + 16 + 1 + 16 + 16);
        assertThat(calls.keySet())
                .as("commands sent to Redis (the others run inside the scripts)")
                .containsExactlyInAnyOrder(
                        "evalsha",
                        "hexists",
                        "hset",
                        "pexpire",
                        "hsetnx",
                        "hincrby",
                        "hget",
                        "get",
                        "set",
                        "config|resetstat",
                        "info");
    }

    @Test
    void runsItsScriptsAgainAfterRedisForgetsThem() {
        DedupStore store = store();
        warmUp(store);

        raw.scriptFlush();

        store.markDelivered(List.of(SIGNUP_ALICE));
        assertThat(store.delivered(List.of(SIGNUP_ALICE))).containsExactly(SIGNUP_ALICE);
        assertThat(store.claim(Map.of("first_view:alice", "view-1")))
                .containsExactly(Map.entry("first_view:alice", "view-1"));
        store.release(Map.of("first_view:alice", "view-1"));
        assertThat(store.advance(Map.of(ACME_PLAN, 5L))).isEmpty();
        assertThat(store.clocks(List.of(ACME_PLAN))).containsExactly(Map.entry(ACME_PLAN, 5L));
    }

    @Test
    void failsEveryOperationWithinTheTimeoutWhileRedisIsDownAndRecoversWhenItIsBack() {
        try (RedisServer server = RedisServer.start();
                DedupStore store = RedisDedupStore.connect(settings(server.uri(), "tracking:"), Duration.ofDays(7))) {
            store.markDelivered(List.of(SIGNUP_ALICE));

            server.kill();

            assertEveryOperationFailsPromptly(store, "redis://127.0.0.1:" + server.port());

            server.restartOnSamePort();
            awaitAnswers(store, "the same store works again after Redis restarts", SIGNUP_BOB);
            assertThat(store.delivered(List.of(SIGNUP_ALICE, SIGNUP_BOB)))
                    .as("signup-alice was lost with the Redis that had no persistence")
                    .containsExactly(SIGNUP_BOB);
            assertThat(store.claim(Map.of("first_view:alice", "view-1"))).hasSize(1);
            assertThat(store.advance(Map.of(ACME_PLAN, 5L))).isEmpty();
        }
    }

    @Test
    void failsEveryOperationWithinTheTimeoutWhileRedisDoesNotAnswer() throws Exception {
        try (RedisServer server = RedisServer.start();
                DedupStore store = RedisDedupStore.connect(settings(server.uri(), "tracking:"), Duration.ofDays(7))) {
            warmUp(store);
            long pid = childRedisPid(server);

            signal("STOP", pid);
            try {
                assertEveryOperationFailsPromptly(store, "redis://127.0.0.1:" + server.port());
                assertThatThrownBy(() -> store.delivered(List.of(SIGNUP_ALICE)))
                        .hasMessageContaining("got no answer within 500 ms");
            } finally {
                signal("CONT", pid);
            }

            awaitAnswers(store, "the store answers again once Redis resumes", SIGNUP_ALICE);
            assertThat(store.delivered(List.of(SIGNUP_ALICE))).containsExactly(SIGNUP_ALICE);
        }
    }

    @Test
    void startsWithoutRedisAndConnectsWhenRedisComesUp() {
        try (RedisServer server = RedisServer.start()) {
            server.stop();

            DedupStore store = assertTimeoutPreemptively(
                    NEVER_HANGS,
                    () -> RedisDedupStore.connect(settings(server.uri(), "tracking:"), Duration.ofDays(7)),
                    "connect must not wait for an absent Redis");
            try (store) {
                assertEveryOperationFailsPromptly(store, "redis://127.0.0.1:" + server.port());

                server.restartOnSamePort();
                awaitAnswers(store, "the store connects once Redis is up", SIGNUP_ALICE);
                assertThat(store.delivered(List.of(SIGNUP_ALICE))).containsExactly(SIGNUP_ALICE);
            }
        }
    }

    @Test
    void startsAndFailsPromptlyWhenTheAddressAcceptsConnectionsButNeverAnswers() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            URI url = URI.create("redis://127.0.0.1:" + silent.port());

            DedupStore store = assertTimeoutPreemptively(
                    NEVER_HANGS,
                    () -> RedisDedupStore.connect(settings(url, "tracking:"), Duration.ofDays(7)),
                    "connect must give up after the timeout");
            try (store) {
                assertEveryOperationFailsPromptly(store, "redis://127.0.0.1:" + silent.port());
            }
        }
    }

    @Test
    void failsFastWhenRedisRefusesThePasswordWithoutRevealingIt() {
        try (RedisServer server = RedisServer.start()) {
            RedisClient client = RedisClient.create(RedisURI.create(server.uri()));
            try (StatefulRedisConnection<String, String> admin = client.connect()) {
                admin.sync().configSet("requirepass", "s3cret-pw");
            } finally {
                client.shutdown();
            }
            URI wrong = URI.create("redis://:wrong-pw@127.0.0.1:" + server.port());
            URI right = URI.create("redis://:s3cret-pw@127.0.0.1:" + server.port());

            assertThatThrownBy(() -> RedisDedupStore.connect(settings(wrong, "tracking:"), Duration.ofDays(7)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("tracking.dedup.redis.url=redis://127.0.0.1:" + server.port())
                    .hasMessageNotContaining("wrong-pw");

            try (DedupStore store = RedisDedupStore.connect(settings(right, "tracking:"), Duration.ofDays(7))) {
                store.markDelivered(List.of(SIGNUP_ALICE));
                assertThat(store.delivered(List.of(SIGNUP_ALICE))).containsExactly(SIGNUP_ALICE);
                assertThat(store.description()).doesNotContain("s3cret-pw");

                server.kill();
                assertThatThrownBy(() -> store.delivered(List.of(SIGNUP_ALICE)))
                        .isInstanceOf(DedupStoreUnavailableException.class)
                        .satisfies(e -> assertThat(allMessages(e)).doesNotContain("s3cret-pw"));
            }
        }
    }

    @Test
    void failsFastWhenTheDatabaseIndexDoesNotExist() {
        URI url = URI.create("redis://127.0.0.1:" + redis.port() + "/99");

        assertThatThrownBy(() -> RedisDedupStore.connect(settings(url, "tracking:"), Duration.ofDays(7)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tracking.dedup.redis.url=redis://127.0.0.1:" + redis.port() + "/99")
                .hasMessageContaining("DB index");
    }

    /** Not an assertion: how long one batch of 2000 facts takes on local Redis, printed for the record. */
    @Test
    void measuresABatchOfTwoThousandFacts() {
        DedupStore store = store();
        warmUp(store);
        for (int i = 0; i < 50; i++) {
            List<FactKey> batch = facts("warm-" + i, 2000);
            store.delivered(batch);
            store.markDelivered(batch);
        }
        int rounds = 200;
        long[] deliveredNanos = new long[rounds];
        long[] markNanos = new long[rounds];
        long[] pingNanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            List<FactKey> batch = facts("measured-" + i, 2000);
            long start = System.nanoTime();
            store.delivered(batch);
            long between = System.nanoTime();
            store.markDelivered(batch);
            long end = System.nanoTime();
            raw.ping();
            pingNanos[i] = System.nanoTime() - end;
            deliveredNanos[i] = between - start;
            markNanos[i] = end - between;
        }
        long[] bothNanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            bothNanos[i] = deliveredNanos[i] + markNanos[i];
        }
        System.out.printf(
                "RedisDedupStore, 2000 facts per call, %d rounds on local Redis: delivered + markDelivered p50 %.2f"
                        + " ms p99 %.2f ms; delivered p50 %.2f ms p99 %.2f ms; markDelivered p50 %.2f ms p99 %.2f"
                        + " ms; PING p50 %.3f ms%n",
                rounds,
                percentile(bothNanos, 50),
                percentile(bothNanos, 99),
                percentile(deliveredNanos, 50),
                percentile(deliveredNanos, 99),
                percentile(markNanos, 50),
                percentile(markNanos, 99),
                percentile(pingNanos, 50));
    }

    private static void assertEveryOperationFailsPromptly(DedupStore store, String address) {
        List<Consumer<DedupStore>> operations = List.of(
                s -> s.delivered(List.of(SIGNUP_ALICE)),
                s -> s.markDelivered(List.of(SIGNUP_ALICE)),
                s -> s.claim(Map.of("first_view:alice", "view-1")),
                s -> s.release(Map.of("first_view:alice", "view-1")),
                s -> s.advance(Map.of(ACME_PLAN, 5L)),
                s -> s.clocks(List.of(ACME_PLAN)));
        List<String> names = List.of("delivered", "markDelivered", "claim", "release", "advance", "clocks");
        for (int i = 0; i < operations.size(); i++) {
            Consumer<DedupStore> operation = operations.get(i);
            DedupStoreUnavailableException e = assertTimeoutPreemptively(
                    NEVER_HANGS,
                    () -> assertThrows(DedupStoreUnavailableException.class, () -> operation.accept(store)),
                    names.get(i) + " must not hang");
            assertThat(e.getMessage()).contains(address).contains(names.get(i) + " of 1 keys");
        }
    }

    /** Waits (up to 15 s) until {@code store} answers again, proven by marking {@code fact} delivered. */
    private static void awaitAnswers(DedupStore store, String label, FactKey fact) {
        await(label)
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .ignoreException(DedupStoreUnavailableException.class)
                .untilAsserted(() -> store.markDelivered(List.of(fact)));
    }

    /** Loads the scripts and learns the hour of {@link #OCCURRED}. */
    private static void warmUp(DedupStore store) {
        FactKey warmUp = fact("warm-up");
        store.delivered(List.of(warmUp));
        store.markDelivered(List.of(warmUp));
        store.claim(Map.of("warm-up", "warm-up"));
        store.release(Map.of("warm-up", "warm-up"));
        store.advance(Map.of("warm-up", 1L));
        store.clocks(List.of("warm-up"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Long> commandCalls() {
        Map<String, Long> calls = new HashMap<>();
        Matcher matcher = Pattern.compile("cmdstat_([^:]+):calls=(\\d+)").matcher(raw.info("commandstats"));
        while (matcher.find()) {
            calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return calls;
    }

    private static double percentile(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1e6;
    }

    private static String allMessages(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            messages.append(cause).append('\n');
        }
        return messages.toString();
    }

    /** The pid of {@code server}'s process, checked to be a child of this JVM before anyone signals it. */
    private static long childRedisPid(RedisServer server) {
        RedisClient client = RedisClient.create(RedisURI.create(server.uri()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            Matcher matcher = Pattern.compile("process_id:(\\d+)")
                    .matcher(connection.sync().info("server"));
            assertThat(matcher.find()).as("INFO server has process_id").isTrue();
            long pid = Long.parseLong(matcher.group(1));
            assertThat(ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .as("redis-server %d is a child of this JVM", pid)
                    .contains(ProcessHandle.current().pid());
            return pid;
        } finally {
            client.shutdown();
        }
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d", signal, pid).isZero();
    }

    /** Accepts connections on loopback and never answers, like a host that stopped responding. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor = new Thread(this::acceptForever, "silent-server");

        SilentServer() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void acceptForever() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    synchronized (accepted) {
                        accepted.add(client);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (accepted) {
                for (Socket client : accepted) {
                    client.close();
                }
            }
        }
    }
}
