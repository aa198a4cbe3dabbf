package dev.tracking.consumer.delivery;

import dev.tracking.consumer.mapping.PostHogEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

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

    /**
     * The share of a slice of the delivered events, {@code events} being those at {@code [from, from + size)} of the
     * sequence this outcome is about: deliveries packed into one report each their own part. Historical events are
     * counted, not named: each slice is given up to {@code historicalLeft} of them, as many as it has accepted, so that
     * the slices of one outcome add up to its total.
     */
    public DeliveryOutcome slice(int from, List<PostHogEvent> events, int historicalLeft) {
        int resolvedHere = Math.max(0, Math.min(events.size(), resolved - from));
        List<RejectedEvent> rejectedHere = new ArrayList<>(0);
        if (!rejected.isEmpty()) {
            Set<PostHogEvent> mine = Collections.newSetFromMap(new IdentityHashMap<>());
            mine.addAll(events);
            for (RejectedEvent event : rejected) {
                if (mine.contains(event.event())) {
                    rejectedHere.add(event);
                }
            }
        }
        int historicalHere = Math.max(0, Math.min(historicalLeft, resolvedHere - rejectedHere.size()));
        return new DeliveryOutcome(
                resolvedHere,
                rejectedHere,
                historicalHere,
                acknowledgedAt,
                resolvedHere < events.size() ? failure : null);
    }
}
