package dev.tracking.consumer.dedup;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Lua scripts of {@link RedisDedupStore}: each loops over the keys of one shard (one hash tag, so one cluster
 * slot), all of them declared in {@code KEYS} so that a cluster client routes the script to the node owning them.
 * Their flags (Redis 7.0+) say how a full Redis under {@code noeviction} treats them: {@code no-writes} scripts still
 * run, scripts without flags are refused whole before they write anything, and {@code allow-oom} scripts, which only
 * delete or overwrite, run anyway.
 */
final class RedisScripts {
    // KEYS: buckets of one shard; ARGV: pairs of (index into KEYS, event id). Read-only: answers under OOM too.
    static final Script LOOKUP = new Script("""
            #!lua flags=no-writes
            local found = {}
            for i = 1, #ARGV, 2 do
              found[#found + 1] = redis.call('HEXISTS', KEYS[tonumber(ARGV[i])], ARGV[i + 1])
            end
            return found
            """);
    // KEYS: buckets of one shard; ARGV[1]: window in ms, then per key the number of its ids and the ids.
    static final Script MARK = new Script("""
            #!lua
            local at = 2
            for k = 1, #KEYS do
              local count = tonumber(ARGV[at])
              for i = at + 1, at + count do
                redis.call('HSET', KEYS[k], ARGV[i], '1')
              end
              redis.call('PEXPIRE', KEYS[k], ARGV[1])
              at = at + count + 1
            end
            return #KEYS
            """);
    // KEYS[1]: an hour's meta hash, KEYS[2..]: its neighbours'. Returns its buckets (0: undecided), their counts.
    static final Script READ_HOUR = new Script("""
            #!lua flags=no-writes
            local answer = { tonumber(redis.call('HGET', KEYS[1], 'n') or '0') }
            for i = 2, #KEYS do
              answer[i] = tonumber(redis.call('HGET', KEYS[i], 'c') or '0')
            end
            return answer
            """);
    // KEYS[1]: an hour's meta hash; ARGV: buckets if still undecided, marks to count, TTL in ms. Returns its buckets.
    static final Script MARK_HOUR = new Script("""
            #!lua
            redis.call('HSETNX', KEYS[1], 'n', ARGV[1])
            redis.call('HINCRBY', KEYS[1], 'c', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return tonumber(redis.call('HGET', KEYS[1], 'n'))
            """);
    // KEYS: claims of one shard; ARGV[1]: TTL in ms, ARGV[1 + i]: the fact claiming KEYS[i]. Returns the holders.
    static final Script CLAIM = new Script("""
            #!lua
            local holders = {}
            for i = 1, #KEYS do
              local holder = redis.call('GET', KEYS[i])
              if holder then
                redis.call('PEXPIRE', KEYS[i], ARGV[1])
              else
                holder = ARGV[i + 1]
                redis.call('SET', KEYS[i], holder, 'PX', ARGV[1])
              end
              holders[i] = holder
            end
            return holders
            """);
    // KEYS: claims of one shard; ARGV[i]: the fact that may release KEYS[i]. Only deletes: allowed when Redis is full.
    static final Script RELEASE = new Script("""
            #!lua flags=allow-oom
            for i = 1, #KEYS do
              if redis.call('GET', KEYS[i]) == ARGV[i] then
                redis.call('DEL', KEYS[i])
              end
            end
            return #KEYS
            """);
    // KEYS: clocks of one shard; ARGV[1]: TTL in ms, ARGV[1 + i]: the time for KEYS[i]. An absent clock is returned as
    // false, which Redis turns into a nil element (a nil would end the Lua array).
    static final Script ADVANCE = new Script("""
            #!lua
            local previous = {}
            for i = 1, #KEYS do
              local before = redis.call('GET', KEYS[i])
              if not before or tonumber(ARGV[i + 1]) > tonumber(before) then
                redis.call('SET', KEYS[i], ARGV[i + 1], 'PX', ARGV[1])
              else
                redis.call('PEXPIRE', KEYS[i], ARGV[1])
              end
              previous[i] = before
            end
            return previous
            """);
    // KEYS: clocks of one shard. Returns each clock, false (nil) when absent. Reads only: answers when Redis is full.
    static final Script CLOCKS = new Script("""
            #!lua flags=no-writes
            local clocks = {}
            for i = 1, #KEYS do
              clocks[i] = redis.call('GET', KEYS[i])
            end
            return clocks
            """);

    private RedisScripts() {}

    /** A script and its SHA-1, the name Redis caches it by. */
    record Script(String body, String sha1) {
        Script(String body) {
            this(body, sha1(body));
        }

        /**
         * Runs the script by its SHA-1 ({@code EVALSHA}), sending it whole ({@code EVAL}) when Redis does not have it
         * (after a restart, a failover or {@code SCRIPT FLUSH}).
         */
        <T> CompletableFuture<T> run(
                RedisClusterAsyncCommands<byte[], byte[]> redis,
                ScriptOutputType type,
                List<byte[]> keys,
                List<byte[]> args) {
            byte[][] keyArray = keys.toArray(byte[][]::new);
            byte[][] argArray = args.toArray(byte[][]::new);
            return redis.<T>evalsha(sha1, type, keyArray, argArray)
                    .toCompletableFuture()
                    .exceptionallyCompose(e -> isNoScript(e)
                            ? redis.<T>eval(body, type, keyArray, argArray).toCompletableFuture()
                            : CompletableFuture.failedFuture(e));
        }

        private static boolean isNoScript(Throwable e) {
            Throwable cause = e;
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause instanceof RedisNoScriptException;
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
