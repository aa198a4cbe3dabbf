package dev.tracking.consumer.dedup;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;

/**
 * Time as redis-server counts it ({@code TIME}): Redis expires keys by its own clock, so an expiry test waits until
 * that clock has moved on, instead of sleeping in the JVM and hoping both clocks agree.
 */
final class RedisClock {
    private RedisClock() {}

    /** Waits until the clock of every one of {@code nodes} is at least {@code duration} later than when called. */
    static void awaitPassed(Duration duration, List<RedisCommands<String, String>> nodes) {
        long[] until = nodes.stream()
                .mapToLong(node -> millis(node) + duration.toMillis())
                .toArray();
        await("redis-server's clock moved on by " + duration)
                .atMost(duration.plusSeconds(10))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    for (int i = 0; i < until.length; i++) {
                        if (millis(nodes.get(i)) < until[i]) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** The server's time in epoch milliseconds. */
    static long millis(RedisCommands<String, String> node) {
        List<String> time = node.time(); // seconds, microseconds
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }
}
