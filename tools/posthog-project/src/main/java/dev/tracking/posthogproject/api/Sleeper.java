package dev.tracking.posthogproject.api;

import java.time.Duration;

/** Waits; injected so that tests can check a {@code Retry-After} wait without sleeping. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
