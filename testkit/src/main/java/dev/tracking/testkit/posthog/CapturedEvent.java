package dev.tracking.testkit.posthog;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event a {@link FakePostHog} accepted.
 *
 * @param event the event name
 * @param distinctId the distinct id as capture resolves it: top-level {@code distinct_id} (or {@code $distinct_id}),
 *     else {@code properties.distinct_id}; non-strings rendered as JSON; cut to 200 characters like capture does
 * @param uuid the {@code uuid} as sent, or {@code null} when absent, null or empty (capture then generates one)
 * @param timestamp the {@code timestamp} as sent, or {@code null}
 * @param properties the {@code properties} object, or a missing node when absent; treat as read-only
 * @param rawJson the exact text of this event's JSON object as received, so repeats can be compared byte for byte
 * @param requestNumber the {@link CapturedRequest#number() number} of the request that carried it
 * @param deliveredByAbandonedRequest whether that request was processed and then, on purpose, answered late or not at
 *     all ({@link Fault#slowAfterProcessing}, {@link Fault#resetAfterProcessing}): a client resend of this event is
 *     expected
 */
public record CapturedEvent(
        String event,
        String distinctId,
        String uuid,
        String timestamp,
        JsonNode properties,
        String rawJson,
        long requestNumber,
        boolean deliveredByAbandonedRequest) {

    /** The key PostHog merges duplicates on (besides team and day of timestamp). */
    public EventIdentity identity() {
        return new EventIdentity(event, distinctId, uuid);
    }
}
