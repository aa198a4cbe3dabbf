package dev.tracking.consumer.dedup;

import dev.tracking.consumer.config.DedupProperties.OnUnavailable;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the Redis dedup store ({@code /actuator/health}, component {@code redis}, with {@code
 * tracking.dedup.store=redis}): UP when Redis answers a {@code PING} within {@code tracking.dedup.redis.timeout}, with
 * the round trip; DOWN otherwise, with the error. Either way its address (never its credentials) and what the consumer
 * does while Redis is unavailable ({@code tracking.dedup.on-unavailable}).
 */
public final class RedisHealth implements HealthIndicator {
    private final RedisDedupStore store;
    private final OnUnavailable onUnavailable;

    public RedisHealth(RedisDedupStore store, OnUnavailable onUnavailable) {
        this.store = store;
        this.onUnavailable = onUnavailable;
    }

    @Override
    public Health health() {
        Health.Builder health;
        try {
            Duration roundTrip = store.ping();
            health = Health.up().withDetail("pingMillis", Math.round(roundTrip.toNanos() / 10_000.0) / 100.0);
        } catch (DedupStoreUnavailableException e) {
            health = Health.down().withDetail("error", e.getMessage());
        }
        return health.withDetail("address", store.description())
                .withDetail("onUnavailable", onUnavailable.name().toLowerCase().replace('_', '-'))
                .build();
    }
}
