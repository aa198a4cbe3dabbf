package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracking.consumer.config.DedupProperties;
import java.net.URI;
import java.time.Duration;
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
        DedupProperties.Redis settings = new DedupProperties.Redis(
                URI.create("http://tracker:s3cret@redis.internal:6379"), Duration.ofSeconds(2), "tracking:");

        assertThatThrownBy(() -> RedisDedupStore.connect(settings, Duration.ofDays(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tracking.dedup.redis.url=http://redis.internal:6379")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void rejectsATimeoutThatIsNotPositive() {
        DedupProperties.Redis settings =
                new DedupProperties.Redis(URI.create("redis://127.0.0.1:6379"), Duration.ZERO, "tracking:");

        assertThatThrownBy(() -> RedisDedupStore.connect(settings, Duration.ofDays(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tracking.dedup.redis.timeout");
    }
}
