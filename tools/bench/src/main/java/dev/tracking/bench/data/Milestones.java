package dev.tracking.bench.data;

import dev.tracking.consumer.mapping.PostHogEvent;
import java.util.HashSet;
import java.util.Set;

/**
 * The consumer's milestone rule in its simplest form: an event with a {@link PostHogEvent#onceKey() once-key} (for
 * example {@code dashboard_first_view} of a user) is sent only for the first fact that claims the key. Kept in memory,
 * as the consumer's default store keeps it: a restarted process claims again. Used for the expected events and by the
 * SDK relay, so that both relays are held to the same events.
 */
public final class Milestones {
    private final Set<String> claimed = new HashSet<>();

    /** Whether {@code event} is to be sent (and, for a milestone, claims its key). */
    public boolean keep(PostHogEvent event) {
        return event.onceKey() == null || claimed.add(event.onceKey());
    }
}
