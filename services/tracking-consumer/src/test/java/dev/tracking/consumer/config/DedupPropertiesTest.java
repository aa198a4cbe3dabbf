package dev.tracking.consumer.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.consumer.config.DedupProperties.Mode;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** How {@code tracking.dedup.*} properties bind (Spring's binder alone, no application context). */
class DedupPropertiesTest {

    @Test
    void defaultsToOneLocalStandaloneRedisWithSixteenShardsAndClaimsKeptFor400Days() {
        DedupProperties.Redis redis =
                bind(Map.of("tracking.dedup.store", "redis")).redis();

        assertThat(redis.url()).containsExactly(URI.create("redis://127.0.0.1:6379"));
        assertThat(redis.mode()).isEqualTo(Mode.STANDALONE);
        assertThat(redis.shards()).isEqualTo(16);
        assertThat(redis.stateTtl()).isEqualTo(Duration.ofDays(400));
        assertThat(redis.keyPrefix()).isEqualTo("tracking:");
    }

    @Test
    void takesTheSeedsOfAClusterAsOneCommaSeparatedValue() {
        DedupProperties.Redis redis = bind(Map.of(
                        "tracking.dedup.redis.url", "redis://10.0.0.1:6379,redis://10.0.0.2:6379",
                        "tracking.dedup.redis.mode", "cluster"))
                .redis();

        assertThat(redis.url())
                .containsExactly(URI.create("redis://10.0.0.1:6379"), URI.create("redis://10.0.0.2:6379"));
        assertThat(redis.mode()).isEqualTo(Mode.CLUSTER);
    }

    private static DedupProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("tracking.dedup", DedupProperties.class);
    }
}
