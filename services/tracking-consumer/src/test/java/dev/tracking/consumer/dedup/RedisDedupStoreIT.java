package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tracking.consumer.config.DedupProperties;
import dev.tracking.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * {@link RedisDedupStore} against a real {@code redis-server} (skipped when it is not installed): the shared contract,
 * the key layout, and what happens when Redis dies, hangs, comes back or was never there.
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

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startOrSkip();
        rawClient = RedisClient.create(RedisURI.create(redis.uri()));
        rawConnection = rawClient.connect();
        raw = rawConnection.sync();
    }

    @AfterAll
    static void stopRedis() {
        if (rawConnection != null) {
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
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Duration shortWindow() {
        return Duration.ofSeconds(1);
    }

    private static DedupProperties.Redis settings(URI url, String keyPrefix) {
        return new DedupProperties.Redis(url, TIMEOUT, keyPrefix);
    }

    @Test
    void storesDeliveredIdsUnderThePrefixWithTheWindowAsTtl() {
        DedupStore store = store(Duration.ofDays(7));

        LegacyIds.markDelivered(store, List.of("signup-alice"));

        assertThat(raw.get("tracking:delivered:" + LegacyIds.key("signup-alice").eventId()))
                .isEqualTo("1");
        assertThat(raw.pttl(
                        "tracking:delivered:" + LegacyIds.key("signup-alice").eventId()))
                .isBetween(
                        Duration.ofDays(7).minusSeconds(30).toMillis(),
                        Duration.ofDays(7).toMillis());
    }

    @Test
    void markingAgainResetsTheTtl() {
        DedupStore store = store(Duration.ofDays(7));
        LegacyIds.markDelivered(store, List.of("signup-alice"));
        raw.pexpire("tracking:delivered:" + LegacyIds.key("signup-alice").eventId(), 60_000);

        LegacyIds.markDelivered(store, List.of("signup-alice"));

        assertThat(raw.pttl(
                        "tracking:delivered:" + LegacyIds.key("signup-alice").eventId()))
                .isGreaterThan(Duration.ofDays(6).toMillis());
    }

    @Test
    void storesClaimsAndClocksReadablyAndWithoutTtl() {
        DedupStore store = store();

        store.claim(Map.of("dashboard_first_view:alice", "view-1"));
        store.advance(Map.of(ACME_PLAN, 1_700_000_000_123L));

        assertThat(raw.get("tracking:once:dashboard_first_view:alice")).isEqualTo("view-1");
        assertThat(raw.pttl("tracking:once:dashboard_first_view:alice")).isEqualTo(-1L);
        assertThat(raw.get("tracking:clock:acme\u001fplan")).isEqualTo("1700000000123");
        assertThat(raw.pttl("tracking:clock:acme\u001fplan")).isEqualTo(-1L);
    }

    @Test
    void storesWithDifferentPrefixesDoNotSeeEachOther() {
        DedupStore staging = RedisDedupStore.connect(settings(redis.uri(), "staging:"), Duration.ofDays(7));
        DedupStore production = store();
        try (staging) {
            LegacyIds.markDelivered(staging, List.of("signup-alice"));
            staging.claim(Map.of("first_view:alice", "view-1"));

            assertThat(raw.exists(
                            "staging:delivered:" + LegacyIds.key("signup-alice").eventId()))
                    .isEqualTo(1L);
            assertThat(LegacyIds.delivered(production, List.of("signup-alice"))).isEmpty();
            assertThat(production.claim(Map.of("first_view:alice", "view-2")))
                    .containsExactly(Map.entry("first_view:alice", "view-2"));
        }
    }

    @Test
    void aNewStoreOnTheSameRedisRemembersWhatTheOldOneStored() {
        try (DedupStore before = newStore(Duration.ofDays(7))) {
            LegacyIds.markDelivered(before, List.of("signup-alice"));
            before.claim(Map.of("first_view:alice", "view-1"));
            before.advance(Map.of(ACME_PLAN, 200L));
        }

        DedupStore after = store();

        assertThat(LegacyIds.delivered(after, List.of("signup-alice", "signup-bob")))
                .containsExactly("signup-alice");
        assertThat(after.claim(Map.of("first_view:alice", "view-2")))
                .containsExactly(Map.entry("first_view:alice", "view-1"));
        assertThat(after.advance(Map.of(ACME_PLAN, 100L))).containsExactly(Map.entry(ACME_PLAN, 200L));
    }

    @Test
    void eachOperationIsOneRedisCommandWhateverTheBatchSize() {
        DedupStore store = store();
        List<String> batch = factIds("fact", 2000);
        warmUp(store);
        raw.configResetstat();

        LegacyIds.delivered(store, batch);
        LegacyIds.markDelivered(store, batch);
        store.claim(Map.of("first_view:alice", "view-1", "first_view:bob", "view-2"));
        store.advance(Map.of(ACME_PLAN, 1L, ACME_SEATS, 2L));

        Map<String, Long> calls = commandCalls();
        assertThat(calls.get("mget")).as("MGET calls").isEqualTo(1L);
        assertThat(calls.get("evalsha")).as("EVALSHA calls").isEqualTo(3L);
        assertThat(calls.keySet())
                .as("commands sent to Redis (SET and GET run inside the scripts)")
                .containsExactlyInAnyOrder("mget", "evalsha", "set", "get", "config|resetstat");
    }

    @Test
    void runsItsScriptsAgainAfterRedisForgetsThem() {
        DedupStore store = store();
        warmUp(store);

        raw.scriptFlush();

        LegacyIds.markDelivered(store, List.of("signup-alice"));
        assertThat(LegacyIds.delivered(store, List.of("signup-alice"))).containsExactly("signup-alice");
        assertThat(store.claim(Map.of("first_view:alice", "view-1")))
                .containsExactly(Map.entry("first_view:alice", "view-1"));
        assertThat(store.advance(Map.of(ACME_PLAN, 5L))).isEmpty();
    }

    @Test
    void failsEveryOperationWithinTheTimeoutWhileRedisIsDownAndRecoversWhenItIsBack() {
        try (RedisServer server = RedisServer.start();
                DedupStore store = RedisDedupStore.connect(settings(server.uri(), "tracking:"), Duration.ofDays(7))) {
            LegacyIds.markDelivered(store, List.of("signup-alice"));

            server.kill();

            assertEveryOperationFailsPromptly(store, "redis://127.0.0.1:" + server.port());

            server.restartOnSamePort();
            awaitAnswers(store, "the same store works again after Redis restarts", "signup-bob");
            assertThat(LegacyIds.delivered(store, List.of("signup-alice", "signup-bob")))
                    .as("signup-alice was lost with the Redis that had no persistence")
                    .containsExactly("signup-bob");
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
                assertThatThrownBy(() -> LegacyIds.delivered(store, List.of("signup-alice")))
                        .hasMessageContaining("got no answer within 500 ms");
            } finally {
                signal("CONT", pid);
            }

            awaitAnswers(store, "the store answers again once Redis resumes", "signup-alice");
            assertThat(LegacyIds.delivered(store, List.of("signup-alice"))).containsExactly("signup-alice");
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
                awaitAnswers(store, "the store connects once Redis is up", "signup-alice");
                assertThat(LegacyIds.delivered(store, List.of("signup-alice"))).containsExactly("signup-alice");
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
                LegacyIds.markDelivered(store, List.of("signup-alice"));
                assertThat(LegacyIds.delivered(store, List.of("signup-alice"))).containsExactly("signup-alice");
                assertThat(store.description()).doesNotContain("s3cret-pw");

                server.kill();
                assertThatThrownBy(() -> LegacyIds.delivered(store, List.of("signup-alice")))
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

    /** Not an assertion: how long one batch of 2000 ids takes on local Redis, printed for the record. */
    @Test
    void measuresABatchOfTwoThousandIds() {
        DedupStore store = store();
        warmUp(store);
        for (int i = 0; i < 50; i++) {
            List<String> batch = factIds("warm-" + i, 2000);
            LegacyIds.delivered(store, batch);
            LegacyIds.markDelivered(store, batch);
        }
        int rounds = 200;
        long[] deliveredNanos = new long[rounds];
        long[] markNanos = new long[rounds];
        long[] pingNanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            List<String> batch = factIds("measured-" + i, 2000);
            long start = System.nanoTime();
            LegacyIds.delivered(store, batch);
            long between = System.nanoTime();
            LegacyIds.markDelivered(store, batch);
            long end = System.nanoTime();
            raw.ping();
            pingNanos[i] = System.nanoTime() - end;
            deliveredNanos[i] = between - start;
            markNanos[i] = end - between;
        }
        long keys = raw.dbsize();
        String memory = raw.info("memory");
        raw.flushall();
        long emptyBytes = usedMemory(raw.info("memory"));
        long[] bothNanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            bothNanos[i] = deliveredNanos[i] + markNanos[i];
        }
        System.out.printf(
                "RedisDedupStore, 2000 ids per call, %d rounds on local Redis: delivered + markDelivered p50 %.2f ms"
                        + " p99 %.2f ms; delivered (MGET) p50 %.2f ms p99 %.2f ms; markDelivered (EVALSHA) p50"
                        + " %.2f ms p99 %.2f ms; PING p50 %.3f ms; ~%d bytes of Redis memory per delivered id%n",
                rounds,
                percentile(bothNanos, 50),
                percentile(bothNanos, 99),
                percentile(deliveredNanos, 50),
                percentile(deliveredNanos, 99),
                percentile(markNanos, 50),
                percentile(markNanos, 99),
                percentile(pingNanos, 50),
                (usedMemory(memory) - emptyBytes) / keys);
    }

    private static void assertEveryOperationFailsPromptly(DedupStore store, String address) {
        List<Consumer<DedupStore>> operations = List.of(
                s -> LegacyIds.delivered(s, List.of("signup-alice")),
                s -> LegacyIds.markDelivered(s, List.of("signup-alice")),
                s -> s.claim(Map.of("first_view:alice", "view-1")),
                s -> s.advance(Map.of(ACME_PLAN, 5L)));
        List<String> names = List.of("delivered", "markDelivered", "claim", "advance");
        for (int i = 0; i < operations.size(); i++) {
            Consumer<DedupStore> operation = operations.get(i);
            DedupStoreUnavailableException e = assertTimeoutPreemptively(
                    NEVER_HANGS,
                    () -> assertThrows(DedupStoreUnavailableException.class, () -> operation.accept(store)),
                    names.get(i) + " must not hang");
            assertThat(e.getMessage()).contains(address).contains(names.get(i) + " of 1 keys");
        }
    }

    /** Waits (up to 15 s) until {@code store} answers again, proven by marking {@code factId} delivered. */
    private static void awaitAnswers(DedupStore store, String label, String factId) {
        await(label)
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .ignoreException(DedupStoreUnavailableException.class)
                .untilAsserted(() -> LegacyIds.markDelivered(store, List.of(factId)));
    }

    private static void warmUp(DedupStore store) {
        LegacyIds.delivered(store, List.of("warm-up"));
        LegacyIds.markDelivered(store, List.of("warm-up"));
        store.claim(Map.of("warm-up", "warm-up"));
        store.advance(Map.of("warm-up", 1L));
    }

    private static Map<String, Long> commandCalls() {
        Map<String, Long> calls = new HashMap<>();
        Matcher matcher = Pattern.compile("cmdstat_([^:]+):calls=(\\d+)").matcher(raw.info("commandstats"));
        while (matcher.find()) {
            calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return calls;
    }

    private static long usedMemory(String info) {
        Matcher matcher = Pattern.compile("used_memory:(\\d+)").matcher(info);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
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
