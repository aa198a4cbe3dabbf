package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracking.consumer.config.DedupProperties;
import dev.tracking.consumer.config.DedupProperties.Mode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@link RedisDedupStore} decides before it talks to Redis: no server needed. */
class RedisDedupStoreTest {

    @ParameterizedTest(name = "{0} is shown as {1}")
    @CsvSource({
        "redis://127.0.0.1:6379, redis://127.0.0.1:6379",
        "redis://redis.internal, redis://redis.internal",
        "redis://:s3cret@redis.internal:6380/2, redis://redis.internal:6380/2",
        "redis://s3cret@redis.internal:6380, redis://redis.internal:6380",
        "redis://tracker:s3cret@redis.internal:6380/2, redis://redis.internal:6380/2",
        "rediss://tracker:s3cret@redis.internal:6380/2?timeout=5s&clientName=x, rediss://redis.internal:6380/2",
        "redis://tracker:s3%40cret@redis.internal:6380, redis://redis.internal:6380",
        "redis-sentinel://:s3cret@sentinel-1:26379/0#mymaster, redis-sentinel://sentinel-1:26379/0",
    })
    void showsTheAddressWithoutUserOrPassword(String url, String shown) {
        assertThat(RedisDedupStore.address(URI.create(url))).isEqualTo(shown);
    }

    @Test
    void rejectsAUrlThatIsNotRedisNamingThePropertyButNotThePassword() {
        DedupProperties.Redis settings = standalone(URI.create("http://tracker:s3cret@redis.internal:6379"));

        assertThatThrownBy(() -> RedisDedupStore.connect(settings, Duration.ofDays(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tracking.dedup.redis.url=http://redis.internal:6379")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void rejectsATimeoutThatIsNotPositive() {
        DedupProperties.Redis settings = new DedupProperties.Redis(
                List.of(URI.create("redis://127.0.0.1:6379")),
                Mode.STANDALONE,
                Duration.ZERO,
                "tracking:",
                16,
                Duration.ofDays(400),
                DedupProperties.Tls.NONE);

        assertThatThrownBy(() -> RedisDedupStore.connect(settings, Duration.ofDays(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tracking.dedup.redis.timeout");
    }

    @Test
    void rejectsSeveralUrlsInStandaloneModeSuggestingClusterMode() {
        DedupProperties.Redis settings = new DedupProperties.Redis(
                List.of(URI.create("redis://:s3cret@redis-1:6379"), URI.create("redis://redis-2:6379")),
                Mode.STANDALONE,
                Duration.ofSeconds(2),
                "tracking:",
                16,
                Duration.ofDays(400),
                DedupProperties.Tls.NONE);

        assertThatThrownBy(() -> RedisDedupStore.connect(settings, Duration.ofDays(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tracking.dedup.redis.url=redis://redis-1:6379,redis://redis-2:6379")
                .hasMessageContaining("tracking.dedup.redis.mode=cluster")
                .hasMessageNotContaining("s3cret");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "redis-sentinel://:s3cret@sentinel-1:26379/0#mymaster, redis-sentinel://sentinel-1:26379/0, not a Redis Cluster"
                + " seed",
        "redis://:s3cret@redis-1:6379/2, redis://redis-1:6379/2, has only database 0",
    })
    void rejectsAClusterSeedThatCannotBeOneNamingIt(String url, String shown, String why) {
        DedupProperties.Redis settings = new DedupProperties.Redis(
                List.of(URI.create("redis://redis-0:6379"), URI.create(url)),
                Mode.CLUSTER,
                Duration.ofSeconds(2),
                "tracking:",
                16,
                Duration.ofDays(400),
                DedupProperties.Tls.NONE);

        assertThatThrownBy(() -> RedisDedupStore.connect(settings, Duration.ofDays(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tracking.dedup.redis.url=" + shown)
                .hasMessageContaining(why)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void rejectsAKeyPrefixWithBraces() {
        DedupProperties.Redis settings = new DedupProperties.Redis(
                List.of(URI.create("redis://127.0.0.1:6379")),
                Mode.STANDALONE,
                Duration.ofSeconds(2),
                "tracking:{prod}:",
                16,
                Duration.ofDays(400),
                DedupProperties.Tls.NONE);

        assertThatThrownBy(() -> RedisDedupStore.connect(settings, Duration.ofDays(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tracking.dedup.redis.key-prefix=tracking:{prod}:")
                .hasMessageContaining("hash tag");
    }

    @ParameterizedTest(name = "{0} with maxmemory {1}")
    @CsvSource({
        "allkeys-lru, 0, may evict milestone claims",
        "allkeys-random, 1000000, may evict milestone claims",
        "noeviction, 1000000, refuses writes",
    })
    void warnsAboutAnEvictionPolicyThatDoesNotSuitTheStore(String policy, long maxmemory, String warning) {
        assertThat(RedisDedupStore.memoryPolicyWarning(policy, maxmemory))
                .hasValueSatisfying(text -> assertThat(text).contains(warning).contains("volatile-ttl"));
    }

    @ParameterizedTest(name = "{0} with maxmemory {1}")
    @CsvSource({"volatile-ttl, 1000000", "volatile-lru, 1000000", "noeviction, 0"})
    void acceptsAVolatilePolicyOrNoLimit(String policy, long maxmemory) {
        assertThat(RedisDedupStore.memoryPolicyWarning(policy, maxmemory)).isEmpty();
    }

    private static DedupProperties.Redis standalone(URI url) {
        return DedupProperties.Redis.standalone(url);
    }
}
