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
 * circuit breaker's state, the destination, the time of the last accepted request and the last failure (a request that
 * still failed after its in-place retries: when, and what). An outage is not DOWN here: the partitions it holds back
 * show in component {@code consumption}.
 */
public final class DeliveryHealth implements HealthIndicator {
    private final String destination;
    private final CircuitBreaker breaker;
    private final Clock clock;
    private final AtomicReference<Instant> lastAccepted = new AtomicReference<>();
    private final AtomicReference<String> misconfiguration = new AtomicReference<>();
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();

    private record Failure(Instant at, String what) {}

    public DeliveryHealth(String destination, CircuitBreaker breaker, Clock clock) {
        this.destination = destination;
        this.breaker = breaker;
        this.clock = clock;
    }

    void accepted() {
        lastAccepted.set(clock.instant());
    }

    void failed(String what) {
        lastFailure.set(new Failure(clock.instant(), what));
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
        Failure failure = lastFailure.get();
        if (failure != null) {
            health.withDetail("lastFailure", failure.at().toString()).withDetail("lastFailureReason", failure.what());
        }
        return health.build();
    }
}
