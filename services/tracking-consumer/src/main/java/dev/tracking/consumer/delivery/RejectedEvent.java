package dev.tracking.consumer.delivery;

import dev.tracking.consumer.mapping.PostHogEvent;
import java.time.Instant;

/**
 * An event PostHog refused on its own (a 400 or 413 isolated to this one event by bisection or splitting).
 *
 * @param event the event
 * @param status PostHog's status for the request holding only this event
 * @param reason PostHog's response body (start of it)
 * @param attempts how many requests carried this event, the last one holding it alone
 * @param firstFailure when the first request carrying it was refused
 * @param lastFailure when the request holding it alone was refused
 */
public record RejectedEvent(
        PostHogEvent event, int status, String reason, int attempts, Instant firstFailure, Instant lastFailure) {}
