package dev.tracking.consumer.mapping;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One PostHog event ready to send: its identity and its JSON object, rendered once at mapping time (the batch body is
 * the concatenation of these bytes, so nothing is re-serialized on retries, splits or bisection).
 *
 * @param factId {@code event_id} of the fact it came from
 * @param type the declared event type: its name and tier
 * @param distinctId the person (or {@code team:<slug>} for a personless event)
 * @param uuid deterministic id, see {@link EventIds}
 * @param occurredAtMillis {@code occurred_at} of the fact, epoch milliseconds (the event's {@code timestamp})
 * @param json the event object as sent, UTF-8
 * @param onceKey when not null, the event is a milestone sent only for the first fact that claims this key (for example
 *     {@code dashboard_first_view} once per user)
 * @param groupUpdate when not null, the event is a {@code $groupidentify} whose properties may be dropped when a newer
 *     update of the same team property was already applied
 */
public record PostHogEvent(
        String factId,
        EventType type,
        String distinctId,
        String uuid,
        long occurredAtMillis,
        byte[] json,
        String onceKey,
        GroupUpdate groupUpdate) {

    /** The PostHog event name. */
    public String event() {
        return type.name();
    }

    /** The JSON text of the event (tests and diagnostics; the hot path uses {@link #json()}). */
    public String jsonText() {
        return new String(json, StandardCharsets.UTF_8);
    }

    /**
     * What a {@code $groupidentify} sets, so that stale properties can be removed.
     *
     * @param team the group key
     * @param occurredAtMillis when the fact happened
     * @param properties names of the {@code $group_set} properties, in order
     * @param builder re-renders the event without some properties
     */
    public record GroupUpdate(String team, long occurredAtMillis, List<String> properties, EventBuilder builder) {}

    /**
     * This event without the given {@code $group_set} properties, or null when none would be left.
     *
     * @throws IllegalStateException when the event is not a group update
     */
    public PostHogEvent withoutGroupProperties(List<String> stale) {
        if (groupUpdate == null) {
            throw new IllegalStateException(event() + " is not a group update");
        }
        return groupUpdate.builder().withoutGroupProperties(stale);
    }
}
