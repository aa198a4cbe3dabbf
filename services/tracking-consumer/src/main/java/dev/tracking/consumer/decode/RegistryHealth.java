package dev.tracking.consumer.decode;

import dev.tracking.client.registry.SchemaRegistryClient;
import dev.tracking.client.registry.SchemaRegistryException;
import dev.tracking.client.registry.SchemaRegistryUnavailableException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the schema registry, when one is configured ({@code /actuator/health}, component {@code registry}): UP
 * when it lists its subjects to this service (the start-up check, {@link SchemaRegistryClient#probe()}, asked again);
 * DOWN when it cannot be reached or refuses, with its URL (never its credentials) and the error. Records that need it
 * wait meanwhile (component {@code consumption} shows their partitions paused).
 */
public final class RegistryHealth implements HealthIndicator {
    private final SchemaRegistryClient registry;

    public RegistryHealth(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        Health.Builder health;
        try {
            registry.probe();
            health = Health.up();
        } catch (SchemaRegistryUnavailableException | SchemaRegistryException e) {
            health = Health.down().withDetail("error", e.getMessage());
        }
        return health.withDetail("url", registry.url().toString()).build();
    }
}
