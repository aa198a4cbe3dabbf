package dev.tracking.consumer.dedup;

import dev.tracking.consumer.config.DedupProperties;
import dev.tracking.consumer.config.DedupProperties.Mode;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production store: state in Redis (one server, or a Redis Cluster), shared by every instance of the consumer
 * group and kept across restarts. Needs Redis 7.0 or newer (its scripts declare flags).
 *
 * <p><b>Memory.</b> A delivered fact costs about 25 bytes of Redis memory (measured by {@code RedisDedupStoreMemoryIT}): its 16-byte id is a field of a small
 * listpack-encoded hash of the facts of one hour of {@code occurred_at}, and the hashes expire whole (key layout and
 * how the number of hashes per hour is chosen: {@link RedisKeyLayout}). One lookup per fact: {@code HEXISTS} on the one
 * hash its id and hour name.
 *
 * <p><b>How long things are kept.</b> Every write to a hash of delivered facts sets its expiry to the window from now,
 * so a fact is remembered for at least the window after it was marked, even one that happened long before (a
 * backfill). An hour's meta hash (its number of buckets and count of marks) lives a day longer than its last
 * bucket. Milestone claims and group clocks expire {@code state-ttl} (400 days by default) after the last fact that
 * claimed or advanced them. Everything the store writes has an expiry, so a {@code volatile-*} eviction policy can make
 * room in a full Redis: {@code volatile-ttl}, recommended, evicts the hashes of delivered facts nearest to expiry
 * first, which only weakens the de-duplication of old facts (PostHog's own merge of identical events still applies),
 * and claims and clocks last.
 *
 * <p><b>A full Redis.</b> Under {@code noeviction} a full Redis refuses writes (OOM error replies) and still answers
 * reads: {@link #delivered} works, {@link #markDelivered}, {@link #claim} and {@link #advance} fail at once with
 * {@link DedupStoreUnavailableException} (the pipeline then applies {@code tracking.dedup.on-unavailable}, pause or
 * fail-open, until expiring hashes make room), {@link #release} (it only shrinks) and {@link #clocks} (it only reads) still
 * work. The store warns at connect time when the policy is {@code noeviction} with a memory limit, or an {@code
 * allkeys-*} policy (which may evict claims and clocks).
 *
 * <p><b>Commands.</b> Every key carries one of {@code shards} hash tags, and each operation sends at most one command
 * per shard its keys fall in (a mark also counts its facts in the meta hash of each hour they happened in): an {@code
 * EVALSHA} of a Lua script that loops over that shard's keys, which also keeps
 * each claim (set-if-absent then read the holder), clock (compare-and-raise) and release atomic. All of them go out
 * at once over one multiplexed connection (in a cluster, one per node) and are awaited together. A script missing
 * from Redis' cache (after a restart or a failover) is sent once more with {@code EVAL}. An instance trusts an hour's
 * number of buckets for a minute; facts of an hour it does not know cost one round trip more (a lookup reads the
 * number first; a mark reads or decides it first).
 *
 * <p><b>Failures.</b> Every failure (connection refused, no answer within {@code tracking.dedup.redis.timeout}, an
 * error reply such as OOM) surfaces as {@link DedupStoreUnavailableException} naming the operation and the Redis
 * address, and no operation waits longer than the timeout. While the connection is down, commands are rejected at
 * once instead of queueing; Lettuce reconnects in the background (retrying every second at most), and the store works
 * again without being re-created.
 *
 * <p><b>Start-up without Redis.</b> {@link #connect} does not fail when Redis is unreachable (refused, unknown host,
 * no answer): it logs a warning and returns a store whose operations throw {@link DedupStoreUnavailableException}
 * until Redis answers, when the first operation connects. What the consumer does meanwhile is a runtime policy
 * ({@code tracking.dedup.on-unavailable}: pause, or deliver fail-open), and it should be the same whether Redis goes
 * away before or after the consumer starts; refusing to start would also turn a Redis restart into a crash loop of
 * every consumer. A malformed URL, or a Redis that answers but refuses the connection (wrong password, unknown
 * user, database index out of range), is a configuration error that waiting cannot fix: {@link #connect} fails fast.
 *
 * <p>Passwords and fact payloads are never logged; {@link #description()} and every message carry the address
 * without the password.
 */
public final class RedisDedupStore implements DedupStore {
    private static final Logger log = LoggerFactory.getLogger(RedisDedupStore.class);
    private static final String URL_PROPERTY = "tracking.dedup.redis.url";
    private static final String TLS_PROPERTY = "tracking.dedup.redis.tls";
    /** How long this instance trusts an hour's number of buckets before reading it again. */
    private static final long HOUR_CACHE_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How much longer than its buckets an hour's meta hash is kept. */
    private static final Duration HOUR_MARGIN = Duration.ofDays(1);

    private static final byte[] ONE = bytes("1");

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final Supplier<CompletableFuture<Connected>> connector;
    private final String address;
    private final Duration timeout;
    private final RedisKeyLayout layout;
    private final byte[] windowMillis;
    private final byte[] hourTtlMillis;
    private final byte[] stateTtlMillis;
    private final Map<Long, KnownHour> hours = new ConcurrentHashMap<>();

    // guarded by this: the current connection attempt, or the connection once made (Lettuce then reconnects it)
    private CompletableFuture<Connected> connection;
    private boolean closed;

    /** A connection and its commands, to one server or to a cluster. */
    private record Connected(
            StatefulConnection<byte[], byte[]> connection, RedisClusterAsyncCommands<byte[], byte[]> commands) {}

    /** An hour's number of buckets, as read from Redis, trusted until {@code validUntilNanos}. */
    private record KnownHour(int buckets, long validUntilNanos) {}

    private RedisDedupStore(
            ClientResources resources,
            AbstractRedisClient client,
            Supplier<CompletableFuture<Connected>> connector,
            String address,
            DedupProperties.Redis settings,
            Duration window) {
        this.resources = resources;
        this.client = client;
        this.address = address;
        this.timeout = settings.timeout();
        this.layout = new RedisKeyLayout(settings.keyPrefix(), settings.shards());
        this.windowMillis = bytes(Long.toString(window.toMillis()));
        this.hourTtlMillis = bytes(Long.toString(window.plus(HOUR_MARGIN).toMillis()));
        this.stateTtlMillis = bytes(Long.toString(settings.stateTtl().toMillis()));
        this.connector = connector;
        this.connection = connectAsync();
    }

    /**
     * Creates the store and tries to connect, waiting at most {@code settings.timeout()}; see the class comment for
     * what happens when Redis is unreachable.
     *
     * @param settings URL(s) and mode, timeout of one operation, key prefix, shards, TTL of claims and clocks
     * @param window how long a delivered fact is remembered after it was marked
     * @throws IllegalArgumentException when a setting is invalid (the message names it, its value without password, and
     *     what is valid)
     * @throws IllegalStateException when Redis answers but refuses the connection (authentication, database index)
     */
    public static RedisDedupStore connect(DedupProperties.Redis settings, Duration window) {
        List<RedisURI> uris = validate(settings, window);
        SslOptions ssl = sslOptions(settings, uris);
        String address = describe(settings);
        ClientResources resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder()
                .connectTimeout(settings.timeout())
                .tcpNoDelay(true)
                .keepAlive(true)
                .build();
        RedisDedupStore store;
        if (settings.mode() == Mode.CLUSTER) {
            RedisClusterClient client = RedisClusterClient.create(resources, uris);
            client.setOptions(ClusterClientOptions.builder()
                    .sslOptions(ssl)
                    .autoReconnect(true)
                    .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                    .socketOptions(socket)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers()
                            .enablePeriodicRefresh(Duration.ofMinutes(1))
                            .build())
                    .build());
            store = new RedisDedupStore(
                    resources,
                    client,
                    // the topology first: connectAsync does not read it by itself (connect() does)
                    () -> client.refreshPartitionsAsync()
                            .toCompletableFuture()
                            .thenCompose(topology -> client.connectAsync(ByteArrayCodec.INSTANCE))
                            .thenApply(c -> new Connected(c, c.async())),
                    address,
                    settings,
                    window);
        } else {
            RedisClient client = RedisClient.create(resources);
            client.setOptions(ClientOptions.builder()
                    .sslOptions(ssl)
                    .autoReconnect(true)
                    .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                    .socketOptions(socket)
                    .build());
            RedisURI uri = uris.get(0);
            store = new RedisDedupStore(
                    resources,
                    client,
                    () -> client.connectAsync(ByteArrayCodec.INSTANCE, uri)
                            .toCompletableFuture()
                            .thenApply(c -> new Connected(c, c.async())),
                    address,
                    settings,
                    window);
        }
        store.awaitFirstConnection();
        return store;
    }

    @Override
    public Set<FactKey> delivered(Collection<FactKey> facts) {
        if (facts.isEmpty()) {
            return Set.of();
        }
        Map<Long, List<FactKey>> byHour = byHour(facts);
        return execute(
                "delivered",
                facts.size(),
                redis -> bucketsOf(redis, byHour.keySet()).thenCompose(buckets -> lookUp(redis, byHour, buckets)));
    }

    @Override
    public void markDelivered(Collection<FactKey> facts) {
        if (facts.isEmpty()) {
            return;
        }
        Map<Long, List<FactKey>> byHour = byHour(facts);
        execute("markDelivered", facts.size(), redis -> mark(redis, byHour));
    }

    @Override
    public Map<String, String> claim(Map<String, String> claims) {
        if (claims.isEmpty()) {
            return Map.of();
        }
        return execute(
                "claim",
                claims.size(),
                redis -> perShard(claims, layout::claimKey, (keys, factIds) -> claimShard(redis, keys, factIds))
                        .thenApply(RedisDedupStore::holders));
    }

    @Override
    public void release(Map<String, String> claims) {
        if (claims.isEmpty()) {
            return;
        }
        execute(
                "release",
                claims.size(),
                redis -> perShard(
                        claims,
                        layout::claimKey,
                        (keys, factIds) -> RedisScripts.RELEASE.<Long>run(
                                redis,
                                ScriptOutputType.INTEGER,
                                keys,
                                factIds.stream().map(RedisDedupStore::bytes).toList())));
    }

    @Override
    public Map<String, Long> advance(Map<String, Long> clocks) {
        if (clocks.isEmpty()) {
            return Map.of();
        }
        return execute(
                "advance",
                clocks.size(),
                redis -> perShard(clocks, layout::clockKey, (keys, millis) -> advanceShard(redis, keys, millis))
                        .thenApply(RedisDedupStore::previousClocks));
    }

    @Override
    public Map<String, Long> clocks(Collection<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Map<String, Boolean> asked = new LinkedHashMap<>();
        keys.forEach(key -> asked.put(key, Boolean.TRUE));
        return execute(
                "clocks",
                asked.size(),
                redis -> perShard(asked, layout::clockKey, (redisKeys, ignored) -> readClocksShard(redis, redisKeys))
                        .thenApply(RedisDedupStore::previousClocks));
    }

    /**
     * Sends a {@code PING} (in a cluster, to the node the connection uses by default), bounded like every operation.
     *
     * @return the round trip
     * @throws DedupStoreUnavailableException when Redis does not answer
     */
    public Duration ping() {
        long start = System.nanoTime();
        execute("ping", 0, redis -> redis.ping().toCompletableFuture());
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The Redis address without user info, such as {@code redis://redis.internal:6379/2}; a cluster's seeds. */
    @Override
    public String description() {
        return address;
    }

    @Override
    public void close() {
        CompletableFuture<Connected> current;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            current = connection;
        }
        current.cancel(false);
        if (current.isDone() && !current.isCompletedExceptionally()) {
            current.join().connection().close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "RedisDedupStore[" + address + "]";
    }

    /**
     * What to warn about a Redis with this eviction policy and memory limit ({@code CONFIG GET maxmemory-policy,
     * maxmemory}), or nothing when it suits the store.
     */
    static Optional<String> memoryPolicyWarning(String policy, long maxmemory) {
        if (policy.startsWith("allkeys-")) {
            return Optional.of(
                    "maxmemory-policy=" + policy + " may evict milestone claims and group clocks (a milestone"
                            + " could be sent twice, a stale group update applied); use volatile-ttl");
        }
        if (policy.equals("noeviction") && maxmemory > 0) {
            return Optional.of("maxmemory-policy=noeviction: once Redis is full it refuses writes, and the consumer"
                    + " applies tracking.dedup.on-unavailable to every batch with a milestone or group update until"
                    + " expiring keys make room; use volatile-ttl, which evicts the oldest delivered facts first");
        }
        return Optional.empty();
    }

    /** The facts by the hour of their {@code occurred_at}. */
    private static Map<Long, List<FactKey>> byHour(Collection<FactKey> facts) {
        Map<Long, List<FactKey>> byHour = new HashMap<>();
        for (FactKey fact : facts) {
            byHour.computeIfAbsent(RedisKeyLayout.hourOf(fact.occurredAtMillis()), h -> new ArrayList<>())
                    .add(fact);
        }
        return byHour;
    }

    /** The number of buckets of each hour that has one; an hour without has no fact marked. */
    private CompletableFuture<Map<Long, Integer>> bucketsOf(
            RedisClusterAsyncCommands<byte[], byte[]> redis, Collection<Long> wanted) {
        Map<Long, Integer> buckets = new HashMap<>();
        List<Long> unknown = new ArrayList<>();
        for (long hour : wanted) {
            Integer known = knownBuckets(hour);
            if (known != null) {
                buckets.put(hour, known);
            } else {
                unknown.add(hour);
            }
        }
        if (unknown.isEmpty()) {
            return CompletableFuture.completedFuture(buckets);
        }
        List<CompletableFuture<byte[]>> reads = new ArrayList<>();
        for (long hour : unknown) {
            reads.add(redis.hget(bytes(layout.hourKey(hour)), bytes("n")).toCompletableFuture());
        }
        return all(reads).thenApply(answers -> {
            for (int i = 0; i < unknown.size(); i++) {
                if (answers.get(i) != null) {
                    int n = Integer.parseInt(string(answers.get(i)));
                    remember(unknown.get(i), n);
                    buckets.put(unknown.get(i), n);
                }
            }
            return buckets;
        });
    }

    private CompletableFuture<Set<FactKey>> lookUp(
            RedisClusterAsyncCommands<byte[], byte[]> redis,
            Map<Long, List<FactKey>> byHour,
            Map<Long, Integer> buckets) {
        Map<Integer, ShardBatch> shards = new HashMap<>();
        byHour.forEach((hour, facts) -> {
            Integer n = buckets.get(hour);
            if (n == null) {
                return; // nothing of this hour was ever marked
            }
            for (FactKey fact : facts) {
                int bucket = RedisKeyLayout.bucketOf(fact.eventId(), n);
                shards.computeIfAbsent(layout.shardOfBucket(bucket), s -> new ShardBatch())
                        .add(layout.bucketKey(hour, bucket), fact);
            }
        });
        List<ShardBatch> batches = new ArrayList<>(shards.values());
        List<CompletableFuture<List<Object>>> replies = new ArrayList<>();
        for (ShardBatch batch : batches) {
            List<byte[]> args = new ArrayList<>(2 * batch.facts.size());
            for (int i = 0; i < batch.facts.size(); i++) {
                args.add(bytes(Integer.toString(batch.keyOfFact.get(i) + 1)));
                args.add(RedisKeyLayout.field(batch.facts.get(i).eventId()));
            }
            replies.add(RedisScripts.LOOKUP.run(redis, ScriptOutputType.MULTI, batch.keys, args));
        }
        return all(replies).thenApply(answers -> {
            Set<FactKey> delivered = new HashSet<>();
            for (int b = 0; b < batches.size(); b++) {
                List<FactKey> facts = batches.get(b).facts;
                for (int i = 0; i < facts.size(); i++) {
                    if (((Long) answers.get(b).get(i)) == 1L) {
                        delivered.add(facts.get(i));
                    }
                }
            }
            return delivered;
        });
    }

    /**
     * Marks the facts: for hours whose number of buckets this instance knows, counts the marks in the hour's meta hash
     * and writes the buckets at once; for the others, first decides (or learns) the number from the meta hashes. Should
     * the meta hash disagree with what this instance knew (it expired or was evicted and was decided again), the facts
     * are written again where the hour's number now puts them.
     */
    private CompletableFuture<Void> mark(
            RedisClusterAsyncCommands<byte[], byte[]> redis, Map<Long, List<FactKey>> byHour) {
        Map<Long, Integer> known = new HashMap<>();
        List<Long> unknown = new ArrayList<>();
        byHour.keySet().forEach(hour -> {
            Integer buckets = knownBuckets(hour);
            if (buckets != null) {
                known.put(hour, buckets);
            } else {
                unknown.add(hour);
            }
        });
        List<CompletableFuture<Void>> work = new ArrayList<>();
        if (!known.isEmpty()) {
            work.add(writeBuckets(redis, byHour, known));
        }
        known.forEach((hour, buckets) ->
                work.add(markHour(redis, hour, buckets, byHour.get(hour).size())
                        .thenCompose(decided -> decided.equals(buckets)
                                ? CompletableFuture.completedFuture(null)
                                : writeBuckets(redis, byHour, Map.of(hour, decided)))));
        if (!unknown.isEmpty()) {
            List<CompletableFuture<Integer>> decisions = new ArrayList<>();
            for (long hour : unknown) {
                decisions.add(decideHour(redis, hour, byHour.get(hour).size()));
            }
            work.add(all(decisions).thenCompose(decided -> {
                Map<Long, Integer> buckets = new HashMap<>();
                for (int i = 0; i < unknown.size(); i++) {
                    buckets.put(unknown.get(i), decided.get(i));
                }
                return writeBuckets(redis, byHour, buckets);
            }));
        }
        return all(work).thenApply(done -> null);
    }

    /** Reads the hour's meta hash and its neighbours', then records the marks and (if undecided) the number. */
    private CompletableFuture<Integer> decideHour(
            RedisClusterAsyncCommands<byte[], byte[]> redis, long hour, int marks) {
        List<byte[]> keys = new ArrayList<>(1 + 2 * RedisKeyLayout.NEIGHBOUR_HOURS);
        keys.add(bytes(layout.hourKey(hour)));
        for (String neighbour : layout.neighbourHourKeys(hour)) {
            keys.add(bytes(neighbour));
        }
        return RedisScripts.READ_HOUR
                .<List<Object>>run(redis, ScriptOutputType.MULTI, keys, List.of())
                .thenCompose(answer -> {
                    int decided = ((Long) answer.get(0)).intValue();
                    if (decided == 0) {
                        long[] counts = new long[answer.size() - 1];
                        for (int i = 1; i < answer.size(); i++) {
                            counts[i - 1] = (Long) answer.get(i);
                        }
                        decided = layout.bucketsFor(counts);
                    }
                    return markHour(redis, hour, decided, marks);
                });
    }

    /** Records {@code marks} in the hour's meta hash (deciding its number if undecided) and returns its number. */
    private CompletableFuture<Integer> markHour(
            RedisClusterAsyncCommands<byte[], byte[]> redis, long hour, int buckets, int marks) {
        List<byte[]> args = List.of(bytes(Integer.toString(buckets)), bytes(Integer.toString(marks)), hourTtlMillis);
        return RedisScripts.MARK_HOUR
                .<Long>run(redis, ScriptOutputType.INTEGER, List.of(bytes(layout.hourKey(hour))), args)
                .thenApply(decided -> {
                    remember(hour, decided.intValue());
                    return decided.intValue();
                });
    }

    /** Writes the facts of the hours in {@code buckets} into their buckets, one script per shard. */
    private CompletableFuture<Void> writeBuckets(
            RedisClusterAsyncCommands<byte[], byte[]> redis,
            Map<Long, List<FactKey>> byHour,
            Map<Long, Integer> buckets) {
        Map<Integer, Map<String, List<byte[]>>> shards = new HashMap<>();
        buckets.forEach((hour, n) -> {
            for (FactKey fact : byHour.get(hour)) {
                int bucket = RedisKeyLayout.bucketOf(fact.eventId(), n);
                shards.computeIfAbsent(layout.shardOfBucket(bucket), s -> new LinkedHashMap<>())
                        .computeIfAbsent(layout.bucketKey(hour, bucket), k -> new ArrayList<>())
                        .add(RedisKeyLayout.field(fact.eventId()));
            }
        });
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        for (Map<String, List<byte[]>> shard : shards.values()) {
            List<byte[]> keys = new ArrayList<>(shard.size());
            List<byte[]> args = new ArrayList<>();
            args.add(windowMillis);
            shard.forEach((key, ids) -> {
                keys.add(bytes(key));
                args.add(bytes(Integer.toString(ids.size())));
                args.addAll(ids);
            });
            writes.add(RedisScripts.MARK.run(redis, ScriptOutputType.INTEGER, keys, args));
        }
        return all(writes).thenApply(done -> null);
    }

    private CompletableFuture<List<Object>> claimShard(
            RedisClusterAsyncCommands<byte[], byte[]> redis, List<byte[]> keys, List<String> factIds) {
        List<byte[]> args = new ArrayList<>(factIds.size() + 1);
        args.add(stateTtlMillis);
        factIds.forEach(factId -> args.add(bytes(factId)));
        return RedisScripts.CLAIM.run(redis, ScriptOutputType.MULTI, keys, args);
    }

    private static Map<String, String> holders(List<ShardReply<List<Object>>> replies) {
        Map<String, String> holders = new HashMap<>();
        for (ShardReply<List<Object>> shard : replies) {
            for (int i = 0; i < shard.keys().size(); i++) {
                holders.put(shard.keys().get(i), string((byte[]) shard.reply().get(i)));
            }
        }
        return holders;
    }

    private CompletableFuture<List<Object>> advanceShard(
            RedisClusterAsyncCommands<byte[], byte[]> redis, List<byte[]> keys, List<Long> millis) {
        List<byte[]> args = new ArrayList<>(millis.size() + 1);
        args.add(stateTtlMillis);
        millis.forEach(at -> args.add(bytes(Long.toString(at))));
        return RedisScripts.ADVANCE.run(redis, ScriptOutputType.MULTI, keys, args);
    }

    private static CompletableFuture<List<Object>> readClocksShard(
            RedisClusterAsyncCommands<byte[], byte[]> redis, List<byte[]> keys) {
        return RedisScripts.CLOCKS.run(redis, ScriptOutputType.MULTI, keys, List.of());
    }

    private static Map<String, Long> previousClocks(List<ShardReply<List<Object>>> replies) {
        Map<String, Long> previous = new HashMap<>();
        for (ShardReply<List<Object>> shard : replies) {
            for (int i = 0; i < shard.keys().size(); i++) {
                Object before = shard.reply().get(i);
                if (before != null) {
                    previous.put(shard.keys().get(i), Long.parseLong(string((byte[]) before)));
                }
            }
        }
        return previous;
    }

    /**
     * Runs one script per shard over the entries of {@code entries} in that shard, and returns each shard's keys (in
     * the order the script saw them) with its reply.
     */
    private <V, R> CompletableFuture<List<ShardReply<R>>> perShard(
            Map<String, V> entries, Function<String, String> keyOf, ShardScript<V, R> script) {
        Map<Integer, Map<String, V>> shards = new HashMap<>();
        entries.forEach((key, value) -> shards.computeIfAbsent(layout.shardOf(key), s -> new LinkedHashMap<>())
                .put(key, value));
        List<List<String>> keysOfShards = new ArrayList<>();
        List<CompletableFuture<R>> replies = new ArrayList<>();
        for (Map<String, V> shard : shards.values()) {
            List<String> keys = new ArrayList<>(shard.keySet());
            List<byte[]> redisKeys =
                    keys.stream().map(key -> bytes(keyOf.apply(key))).toList();
            keysOfShards.add(keys);
            replies.add(script.run(redisKeys, new ArrayList<>(shard.values())));
        }
        return all(replies).thenApply(answers -> {
            List<ShardReply<R>> byShard = new ArrayList<>(answers.size());
            for (int i = 0; i < keysOfShards.size(); i++) {
                byShard.add(new ShardReply<>(keysOfShards.get(i), answers.get(i)));
            }
            return byShard;
        });
    }

    /** The keys a shard's script saw, in order, and its reply. */
    private record ShardReply<R>(List<String> keys, R reply) {}

    /** The script of one shard: its Redis keys and the values that go with them. */
    @FunctionalInterface
    private interface ShardScript<V, R> {
        CompletableFuture<R> run(List<byte[]> keys, List<V> values);
    }

    /** The facts of one shard to look up, the keys of their buckets, and which key each fact is in. */
    private static final class ShardBatch {
        final List<byte[]> keys = new ArrayList<>();
        final Map<String, Integer> keyIndex = new HashMap<>();
        final List<FactKey> facts = new ArrayList<>();
        final List<Integer> keyOfFact = new ArrayList<>();

        void add(String key, FactKey fact) {
            Integer index = keyIndex.get(key);
            if (index == null) {
                index = keys.size();
                keyIndex.put(key, index);
                keys.add(bytes(key));
            }
            facts.add(fact);
            keyOfFact.add(index);
        }
    }

    private Integer knownBuckets(long hour) {
        KnownHour known = hours.get(hour);
        return known != null && known.validUntilNanos - System.nanoTime() > 0 ? known.buckets : null;
    }

    private void remember(long hour, int buckets) {
        long now = System.nanoTime();
        if (hours.size() > 10_000) {
            hours.values().removeIf(known -> known.validUntilNanos - now <= 0);
        }
        hours.put(hour, new KnownHour(buckets, now + HOUR_CACHE_NANOS));
    }

    private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(done -> futures.stream().map(CompletableFuture::join).toList());
    }

    /** Runs the commands of one operation, waiting for a connection and every answer together at most the timeout. */
    private <T> T execute(
            String operation,
            int keys,
            Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> commands) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<T> answer = null;
        try {
            Connected redis = await(connection(), deadline);
            answer = commands.apply(redis.commands());
            return await(answer, deadline);
        } catch (TimeoutException e) {
            if (answer != null) {
                answer.cancel(false);
            }
            throw unavailable(operation, keys, noAnswer(), e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = unwrap(e);
            // Lettuce's own command timeout, which may fire just before ours
            String what = cause instanceof RedisCommandTimeoutException ? noAnswer() : "failed: " + cause;
            throw unavailable(operation, keys, what, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(operation, keys, "was interrupted", e);
        } catch (RuntimeException e) {
            throw unavailable(operation, keys, "failed: " + e, e);
        }
    }

    private synchronized CompletableFuture<Connected> connection() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        if (connection.isCompletedExceptionally()) {
            connection = connectAsync();
        }
        return connection;
    }

    private CompletableFuture<Connected> connectAsync() {
        CompletableFuture<Connected> attempt = connector.get();
        attempt.thenAccept(this::checkServer);
        return attempt;
    }

    /** Logs what about this Redis works against the store: a version without script flags, the eviction policy. */
    private void checkServer(Connected redis) {
        redis.commands().info("server").whenComplete((info, e) -> {
            Matcher version = Pattern.compile("redis_version:(\\d+)\\.").matcher(info == null ? "" : info);
            if (version.find() && Integer.parseInt(version.group(1)) < 7) {
                log.error(
                        "dedup store: Redis at {} is version {}.x; the store needs Redis 7.0 or newer (its scripts"
                                + " declare flags), every operation will fail",
                        address,
                        version.group(1));
            }
        });
        redis.commands()
                .configGet("maxmemory-policy", "maxmemory", "hash-max-listpack-entries", "hash-max-listpack-value")
                .whenComplete((config, e) -> {
                    if (e != null || config == null || !config.containsKey("maxmemory-policy")) {
                        log.debug("dedup store: cannot read the configuration of Redis at {}: {}", address, e);
                        return;
                    }
                    String policy = config.get("maxmemory-policy");
                    long maxmemory = parseLong(config.get("maxmemory"));
                    memoryPolicyWarning(policy, maxmemory)
                            .ifPresentOrElse(
                                    warning -> log.warn("dedup store: Redis at {}: {}", address, warning),
                                    () -> log.info(
                                            "dedup store: Redis at {} with maxmemory-policy={}, maxmemory={}",
                                            address,
                                            policy,
                                            maxmemory));
                    long entries = parseLong(config.get("hash-max-listpack-entries"));
                    long value = parseLong(config.get("hash-max-listpack-value"));
                    if ((entries > 0 && entries < 2 * RedisKeyLayout.TARGET_FILL) || (value > 0 && value < 16)) {
                        log.warn(
                                "dedup store: Redis at {} has hash-max-listpack-entries={} and"
                                        + " hash-max-listpack-value={}; below 128 and 16 the hashes of delivered facts"
                                        + " are hash tables, about 82 bytes per fact instead of 24",
                                address,
                                entries,
                                value);
                    }
                });
    }

    private void awaitFirstConnection() {
        try {
            await(connection(), System.nanoTime() + timeout.toNanos());
            log.info("dedup store: Redis at {}", address);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof ExecutionException ? unwrap(e) : e;
            if (refusedByServer(cause)) {
                close();
                throw new IllegalStateException(
                        "Redis at " + URL_PROPERTY + "=" + address + " refused the connection: " + rootMessage(cause)
                                + "; check "
                                + (tlsFailure(cause)
                                        ? TLS_PROPERTY + ".truststore (the CA of Redis' certificate) and the host name"
                                                + " in the URL"
                                        : "the user and password in " + URL_PROPERTY
                                                + " (redis://user:password@host:port, or redis://:password@host:port"
                                                + " for the default user)"),
                        cause);
            }
            log.warn(
                    "dedup store: Redis at {} ({}) is not reachable at start-up ({}); starting anyway, the store"
                            + " connects when Redis answers and until then applies tracking.dedup.on-unavailable",
                    address,
                    URL_PROPERTY,
                    cause instanceof TimeoutException ? noAnswer() : rootMessage(cause));
        }
    }

    private String noAnswer() {
        return "got no answer within " + timeout.toMillis() + " ms";
    }

    private DedupStoreUnavailableException unavailable(String operation, int keys, String what, Throwable cause) {
        return new DedupStoreUnavailableException(
                "Redis at " + address + ": " + operation + (keys > 0 ? " of " + keys + " keys " : " ") + what, cause);
    }

    /** Checks the settings and parses the URLs; every message names the property and what is valid. */
    private static List<RedisURI> validate(DedupProperties.Redis settings, Duration window) {
        if (settings.timeout().isNegative() || settings.timeout().isZero()) {
            throw new IllegalArgumentException(
                    "tracking.dedup.redis.timeout=" + settings.timeout() + " must be positive, such as 2s");
        }
        if (settings.stateTtl().isNegative() || settings.stateTtl().isZero()) {
            throw new IllegalArgumentException(
                    "tracking.dedup.redis.state-ttl=" + settings.stateTtl() + " must be positive, such as 400d");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("tracking.dedup.window=" + window + " must be positive, such as 7d");
        }
        new RedisKeyLayout(settings.keyPrefix(), settings.shards()); // checks the prefix and the shards
        List<URI> urls = settings.url();
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(URL_PROPERTY + " is empty: give redis://host:port, or with"
                    + " tracking.dedup.redis.mode=cluster the seed nodes redis://host1:port,redis://host2:port");
        }
        if (settings.mode() == Mode.STANDALONE && urls.size() > 1) {
            throw new IllegalArgumentException(URL_PROPERTY + "=" + describeUrls(urls) + " names " + urls.size()
                    + " servers, and tracking.dedup.redis.mode=standalone takes one; set"
                    + " tracking.dedup.redis.mode=cluster if they are seed nodes of a Redis Cluster");
        }
        List<RedisURI> uris = new ArrayList<>(urls.size());
        for (URI url : urls) {
            String shown = address(url);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (settings.mode() == Mode.CLUSTER && !scheme.equals("redis") && !scheme.equals("rediss")) {
                throw new IllegalArgumentException(URL_PROPERTY + "=" + shown + " is not a Redis Cluster seed: with"
                        + " tracking.dedup.redis.mode=cluster each must be redis://[[user:]password@]host[:port] or"
                        + " rediss://...");
            }
            RedisURI uri;
            try {
                uri = RedisURI.create(url);
            } catch (RuntimeException e) {
                // Lettuce's message may quote the URL, password included: keep only its class
                throw new IllegalArgumentException(URL_PROPERTY + "=" + shown
                        + " is not a Redis URL (expected redis://[[user:]password@]host[:port][/db] or rediss://...): "
                        + e.getClass().getSimpleName());
            }
            if (settings.mode() == Mode.CLUSTER && uri.getDatabase() != 0) {
                throw new IllegalArgumentException(URL_PROPERTY + "=" + shown + " names database " + uri.getDatabase()
                        + ", but a Redis Cluster has only database 0");
            }
            uri.setTimeout(settings.timeout());
            uris.add(uri);
        }
        return uris;
    }

    /**
     * The TLS settings of {@code rediss://} connections: the JDK's trusted CAs, or those of {@code
     * tracking.dedup.redis.tls.truststore}.
     */
    private static SslOptions sslOptions(DedupProperties.Redis settings, List<RedisURI> uris) {
        DedupProperties.Tls tls = settings.tls();
        if (tls.truststore() == null) {
            return SslOptions.create();
        }
        if (uris.stream().noneMatch(RedisURI::isSsl)) {
            throw new IllegalArgumentException(TLS_PROPERTY + ".truststore is set but " + URL_PROPERTY + "="
                    + describe(settings) + " does not use TLS: expected rediss://host:port");
        }
        return SslOptions.builder()
                .jdkSslProvider()
                .trustManager(trustManagers(tls))
                .build();
    }

    private static TrustManagerFactory trustManagers(DedupProperties.Tls tls) {
        Path path = tls.truststore();
        String shown = TLS_PROPERTY + ".truststore=" + path;
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException(
                    shown + " is not a readable file: expected a PKCS12, JKS or PEM trust store with Redis' CA");
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store;
            if (tls.truststoreType() == DedupProperties.TrustStoreType.PEM) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (Certificate certificate :
                        CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, certificate);
                }
                if (i == 0) {
                    throw new IllegalArgumentException(
                            shown + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
                }
            } else {
                store = KeyStore.getInstance(tls.truststoreType().name());
                store.load(in, tls.truststorePassword().toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            return trust;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException(TLS_PROPERTY + ".truststore-password does not open " + path);
            }
            throw new IllegalArgumentException(shown + " is not a " + tls.truststoreType() + " trust store ("
                    + e.getMessage() + "): set " + TLS_PROPERTY + ".truststore-type to pkcs12, jks or pem");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(shown + " cannot be used as a " + tls.truststoreType() + " trust store: "
                    + e.getMessage() + "; " + TLS_PROPERTY + ".truststore-type is pkcs12, jks or pem");
        }
    }

    /** The address(es) without passwords; a cluster's seeds followed by {@code (cluster)}. */
    private static String describe(DedupProperties.Redis settings) {
        String urls = describeUrls(settings.url());
        return settings.mode() == Mode.CLUSTER ? urls + " (cluster)" : urls;
    }

    private static String describeUrls(List<URI> urls) {
        return urls.stream().map(RedisDedupStore::address).collect(Collectors.joining(","));
    }

    private static <T> T await(CompletableFuture<T> future, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Whether Redis answered the handshake with an error that waiting will not fix, or its TLS certificate is not
     * trusted.
     */
    private static boolean refusedByServer(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException) {
                return true;
            }
            if (cause instanceof RedisCommandExecutionException && cause.getMessage() != null) {
                String message = cause.getMessage().toUpperCase(Locale.ROOT);
                if (message.startsWith("WRONGPASS")
                        || message.startsWith("NOAUTH")
                        || message.startsWith("NOPERM")
                        || message.contains("PASSWORD")
                        || message.contains("DB INDEX")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean tlsFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * {@code url} without its password, user name or query: {@code scheme://host[:port][/path]}. Works on the raw
     * text, so even a URL that {@link URI} or Lettuce cannot parse is never echoed with its password.
     */
    static String address(URI url) {
        String text = url.toString();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            return "(a URL without scheme://)";
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = text.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int at = text.indexOf(c, authorityStart);
            if (at >= 0 && at < authorityEnd) {
                authorityEnd = at;
            }
        }
        int userInfoEnd = text.lastIndexOf('@', authorityEnd - 1);
        int hostStart = userInfoEnd >= authorityStart ? userInfoEnd + 1 : authorityStart;
        int pathEnd = text.length();
        for (char c : new char[] {'?', '#'}) {
            int at = text.indexOf(c, authorityEnd);
            if (at >= 0 && at < pathEnd) {
                pathEnd = at;
            }
        }
        return text.substring(0, authorityStart) + text.substring(hostStart, Math.max(authorityEnd, pathEnd));
    }
}
