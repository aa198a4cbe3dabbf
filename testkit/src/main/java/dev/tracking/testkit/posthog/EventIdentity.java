package dev.tracking.testkit.posthog;

/**
 * What PostHog merges repeated events on, apart from team and day of timestamp: (event, distinct_id, uuid).
 *
 * @param uuid {@code null} when the event carried none (capture then generates one, so such events never merge)
 */
public record EventIdentity(String event, String distinctId, String uuid) {
    @Override
    public String toString() {
        return "(event=" + event + ", distinct_id=" + distinctId + ", uuid=" + uuid + ")";
    }
}
