package dev.tracking.consumer.dedup;

import dev.tracking.consumer.config.DedupProperties;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production store: state in a standalone Redis (not Redis Cluster: every operation is one multi-key command),
 * shared by every instance of the consumer group and kept across restarts.
 *
 * <p>Key layout, under the configured prefix ({@code tracking:} by default):
 *
 * <ul>
 *   <li>{@code <prefix>delivered:<factId>} = {@code "1"} with a TTL of the window (the smallest value: about 126
 *       bytes of Redis memory per id were measured with 36-character ids, so size Redis for rate x window);
 *   <li>{@code <prefix>once:<key>} = id of the fact holding the milestone claim, no TTL;
 *   <li>{@code <prefix>clock:<key>} = epoch milliseconds of the last applied group update, no TTL.
 * </ul>
 *
 * Claims and clocks never expire, so Redis must not evict keys without a TTL ({@code maxmemory-policy} {@code
 * noeviction} or one of the {@code volatile-*} policies). Keys and values are binary-safe UTF-8: any character is
 * fine, including the 0x1F separator of group clock keys.
 *
 * <p><b>One round trip per operation.</b> Each operation is exactly one Redis command over one multiplexed,
 * thread-safe connection: {@link #delivered} is one {@code MGET} (one command and one reply, unlike one {@code EXISTS}
 * per id, and a multi-key {@code EXISTS} only returns a count); {@link #markDelivered}, {@link #claim} and
 * {@link #advance} are one {@code EVALSHA} each of a Lua script that loops over all keys of the batch, which also makes
 * each claim (set-if-absent then read the holder) and each clock (compare-and-raise) atomic. A script missing from
 * Redis' cache (after a Redis restart) is sent once more with {@code EVAL}.
 *
 * <p><b>Failures.</b> Every failure (connection refused, no answer within {@code tracking.dedup.redis.timeout}, an
 * error reply) surfaces as {@link DedupStoreUnavailableException} naming the operation and the Redis address, and no
 * operation waits longer than the timeout. While the connection is down, commands are rejected at once instead of
 * queueing; Lettuce reconnects in the background (retrying every second at most), and the store works again without
 * being re-created.
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

    private static final Script MARK_DELIVERED = new Script("""
            for i = 1, #KEYS do
              redis.call('SET', KEYS[i], '1', 'PX', ARGV[1])
            end
            return #KEYS
            """);
    private static final Script CLAIM = new Script("""
            local holders = {}
            for i = 1, #KEYS do
              local holder = redis.call('GET', KEYS[i])
              if not holder then
                redis.call('SET', KEYS[i], ARGV[i])
                holder = ARGV[i]
              end
              holders[i] = holder
            end
            return holders
            """);
    private static final Script RELEASE = new Script("""
            for i = 1, #KEYS do
              if redis.call('GET', KEYS[i]) == ARGV[i] then
                redis.call('DEL', KEYS[i])
              end
            end
            return #KEYS
            """);
    private static final Script RESTORE = new Script("""
            for i = 1, #KEYS do
              if redis.call('GET', KEYS[i]) == ARGV[2 * i - 1] then
                if ARGV[2 * i] == '' then
                  redis.call('DEL', KEYS[i])
                else
                  redis.call('SET', KEYS[i], ARGV[2 * i])
                end
              end
            end
            return #KEYS
            """);
    // An absent clock is returned as false, which Redis turns into a nil element (a nil would end the Lua array).
    private static final Script ADVANCE = new Script("""
            local previous = {}
            for i = 1, #KEYS do
              local before = redis.call('GET', KEYS[i])
              if not before or tonumber(ARGV[i]) > tonumber(before) then
                redis.call('SET', KEYS[i], ARGV[i])
              end
              previous[i] = before
            end
            return previous
            """);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final String address;
    private final Duration timeout;
    private final String windowMillis;
    private final String deliveredPrefix;
    private final String oncePrefix;
    private final String clockPrefix;

    // guarded by this: the current connection attempt, or the connection once made (Lettuce then reconnects it)
    private CompletableFuture<StatefulRedisConnection<String, String>> connection;
    private boolean closed;

    private RedisDedupStore(
            ClientResources resources,
            RedisClient client,
            RedisURI uri,
            String address,
            Duration timeout,
            Duration window,
            String keyPrefix) {
        this.resources = resources;
        this.client = client;
        this.uri = uri;
        this.address = address;
        this.timeout = timeout;
        this.windowMillis = Long.toString(window.toMillis());
        this.deliveredPrefix = keyPrefix + "delivered:";
        this.oncePrefix = keyPrefix + "once:";
        this.clockPrefix = keyPrefix + "clock:";
        this.connection = connectAsync();
    }

    /**
     * Creates the store and tries to connect, waiting at most {@code settings.timeout()}; see the class comment for
     * what happens when Redis is unreachable.
     *
     * @param settings URL ({@code redis://[[user:]password@]host[:port][/db]}, {@code rediss://} for TLS), timeout
     *     of one operation, key prefix
     * @param window how long a delivered fact id is remembered
     * @throws IllegalArgumentException when the URL is not a Redis URL, or the timeout or window is not positive
     * @throws IllegalStateException when Redis answers but refuses the connection (authentication, database index)
     */
    public static RedisDedupStore connect(DedupProperties.Redis settings, Duration window) {
        String address = address(settings.url());
        if (settings.timeout().isNegative() || settings.timeout().isZero()) {
            throw new IllegalArgumentException(
                    "tracking.dedup.redis.timeout=" + settings.timeout() + " must be positive, such as 2s");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("tracking.dedup.window=" + window + " must be positive, such as 7d");
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(settings.url());
        } catch (RuntimeException e) {
            // Lettuce's message may quote the URL, password included: keep only its class
            throw new IllegalArgumentException(URL_PROPERTY + "=" + address
                    + " is not a Redis URL (expected redis://[[user:]password@]host[:port][/db] or rediss://...): "
                    + e.getClass().getSimpleName());
        }
        uri.setTimeout(settings.timeout());
        ClientResources resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(settings.timeout())
                        .tcpNoDelay(true)
                        .keepAlive(true)
                        .build())
                .build());
        RedisDedupStore store =
                new RedisDedupStore(resources, client, uri, address, settings.timeout(), window, settings.keyPrefix());
        store.awaitFirstConnection();
        return store;
    }

    @Override
    public Set<FactKey> delivered(Collection<FactKey> facts) {
        if (facts.isEmpty()) {
            return Set.of();
        }
        List<FactKey> ordered = List.copyOf(facts);
        String[] keys = keys(deliveredPrefix, ordered);
        List<KeyValue<String, String>> values = execute("delivered", keys.length, redis -> redis.mget(keys));
        Set<FactKey> delivered = new HashSet<>();
        for (int i = 0; i < keys.length; i++) {
            if (values.get(i).hasValue()) {
                delivered.add(ordered.get(i));
            }
        }
        return delivered;
    }

    @Override
    public void markDelivered(Collection<FactKey> facts) {
        if (facts.isEmpty()) {
            return;
        }
        String[] keys = keys(deliveredPrefix, facts);
        this.<Long>script("markDelivered", MARK_DELIVERED, ScriptOutputType.INTEGER, keys, windowMillis);
    }

    @Override
    public void release(Map<String, String> claims) {
        if (claims.isEmpty()) {
            return;
        }
        String[] keys = new String[claims.size()];
        String[] factIds = new String[claims.size()];
        int i = 0;
        for (Map.Entry<String, String> claim : claims.entrySet()) {
            keys[i] = oncePrefix + claim.getKey();
            factIds[i++] = claim.getValue();
        }
        this.<Long>script("release", RELEASE, ScriptOutputType.INTEGER, keys, factIds);
    }

    @Override
    public void restore(Map<String, ClockRestore> restores) {
        if (restores.isEmpty()) {
            return;
        }
        String[] keys = new String[restores.size()];
        String[] args = new String[restores.size() * 2];
        int i = 0;
        for (Map.Entry<String, ClockRestore> restore : restores.entrySet()) {
            keys[i] = clockPrefix + restore.getKey();
            args[2 * i] = Long.toString(restore.getValue().expected());
            Long replacement = restore.getValue().replacement();
            args[2 * i + 1] = replacement == null ? "" : Long.toString(replacement);
            i++;
        }
        this.<Long>script("restore", RESTORE, ScriptOutputType.INTEGER, keys, args);
    }

    @Override
    public Map<String, String> claim(Map<String, String> claims) {
        if (claims.isEmpty()) {
            return Map.of();
        }
        String[] keys = new String[claims.size()];
        String[] factIds = new String[claims.size()];
        int i = 0;
        for (Map.Entry<String, String> claim : claims.entrySet()) {
            keys[i] = oncePrefix + claim.getKey();
            factIds[i++] = claim.getValue();
        }
        List<Object> holders = script("claim", CLAIM, ScriptOutputType.MULTI, keys, factIds);
        Map<String, String> result = new HashMap<>();
        for (int k = 0; k < keys.length; k++) {
            result.put(keys[k].substring(oncePrefix.length()), (String) holders.get(k));
        }
        return result;
    }

    @Override
    public Map<String, Long> advance(Map<String, Long> clocks) {
        if (clocks.isEmpty()) {
            return Map.of();
        }
        String[] keys = new String[clocks.size()];
        String[] millis = new String[clocks.size()];
        int i = 0;
        for (Map.Entry<String, Long> clock : clocks.entrySet()) {
            keys[i] = clockPrefix + clock.getKey();
            millis[i++] = Long.toString(clock.getValue());
        }
        List<Object> previous = script("advance", ADVANCE, ScriptOutputType.MULTI, keys, millis);
        Map<String, Long> result = new HashMap<>();
        for (int k = 0; k < keys.length; k++) {
            Object before = previous.get(k);
            if (before != null) {
                result.put(keys[k].substring(clockPrefix.length()), Long.parseLong((String) before));
            }
        }
        return result;
    }

    /** The Redis address without user info, such as {@code redis://redis.internal:6379/2}. */
    @Override
    public String description() {
        return address;
    }

    @Override
    public void close() {
        CompletableFuture<StatefulRedisConnection<String, String>> current;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            current = connection;
        }
        current.cancel(false);
        if (current.isDone() && !current.isCompletedExceptionally()) {
            current.join().close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "RedisDedupStore[" + address + "]";
    }

    private <T> T script(String operation, Script script, ScriptOutputType type, String[] keys, String... args) {
        return execute(
                operation,
                keys.length,
                redis -> redis.<T>evalsha(script.sha1, type, keys, args)
                        .exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                                ? redis.eval(script.body, type, keys, args)
                                : CompletableFuture.failedFuture(e)));
    }

    /** Runs one command, waiting for a connection and the answer together at most the timeout. */
    private <T> T execute(
            String operation, int keys, Function<RedisAsyncCommands<String, String>, CompletionStage<T>> command) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<T> answer = null;
        try {
            StatefulRedisConnection<String, String> redis = await(connection(), deadline);
            answer = command.apply(redis.async()).toCompletableFuture();
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

    private synchronized CompletableFuture<StatefulRedisConnection<String, String>> connection() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        if (connection.isCompletedExceptionally()) {
            connection = connectAsync();
        }
        return connection;
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> connectAsync() {
        return client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
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
                        "Redis at " + URL_PROPERTY + "=" + address + " refused the connection: " + rootMessage(cause),
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
                "Redis at " + address + ": " + operation + " of " + keys + " keys " + what, cause);
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

    /** Whether Redis answered the handshake with an error that waiting will not fix. */
    private static boolean refusedByServer(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
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

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static String[] keys(String prefix, Collection<FactKey> facts) {
        String[] keys = new String[facts.size()];
        int i = 0;
        for (FactKey fact : facts) {
            keys[i++] = prefix + fact.eventId();
        }
        return keys;
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

    private record Script(String body, String sha1) {
        Script(String body) {
            this(body, sha1(body));
        }

        private static String sha1(String body) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is part of every JVM", e);
            }
        }
    }
}
