package dev.tracking.consumer.delivery;

import java.time.Instant;
import java.util.List;

/**
 * What PostHog made of one partition's events, delivered in order: the first {@code resolved} events got a final
 * answer (accepted, or refused alone and listed in {@code rejected}); the rest got none, because of {@code failure}.
 *
 * @param resolved how many leading events were accepted or refused
 * @param rejected the events PostHog refused alone (400 isolated by bisection, 413 by splitting), all among the resolved
 * @param historical how many of the accepted events went in requests flagged {@code historical_migration: true}
 * @param acknowledgedAt when PostHog last accepted a request of this delivery, or null
 * @param failure why the rest was not resolved: {@link PostHogUnavailableException} (retry later) or {@link
 *     PostHogMisconfiguredException} (stop); null when every event was resolved
 */
public record DeliveryOutcome(
        int resolved, List<RejectedEvent> rejected, int historical, Instant acknowledgedAt, RuntimeException failure) {

    /** Whether every event got a final answer. */
    public boolean complete() {
        return failure == null;
    }
}
