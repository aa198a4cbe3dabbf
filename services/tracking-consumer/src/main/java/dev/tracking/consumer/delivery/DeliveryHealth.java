package dev.tracking.consumer.delivery;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of delivery to PostHog ({@code /actuator/health}, component {@code posthog}): DOWN once PostHog answered that
 * this service is misconfigured (consumption is stopped until it is fixed and restarted); otherwise UP, with the
 * circuit breaker's state, the destination and the time of the last accepted request.
 */
public final class DeliveryHealth implements HealthIndicator {
    private final String destination;
    private final CircuitBreaker breaker;
    private final Clock clock;
    private final AtomicReference<Instant> lastAccepted = new AtomicReference<>();
    private final AtomicReference<String> misconfiguration = new AtomicReference<>();

    public DeliveryHealth(String destination, CircuitBreaker breaker, Clock clock) {
        this.destination = destination;
        this.breaker = breaker;
        this.clock = clock;
    }

    void accepted() {
        lastAccepted.set(clock.instant());
    }

    void misconfigured(String reason) {
        misconfiguration.set(reason);
    }

    @Override
    public Health health() {
        String problem = misconfiguration.get();
        Health.Builder health = problem != null ? Health.down().withDetail("error", problem) : Health.up();
        health.withDetail("destination", destination)
                .withDetail("circuitBreaker", breaker.getState().name());
        Instant last = lastAccepted.get();
        if (last != null) {
            health.withDetail("lastAccepted", last.toString());
        }
        return health.build();
    }
}
