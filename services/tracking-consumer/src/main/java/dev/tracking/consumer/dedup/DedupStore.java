package dev.tracking.consumer.dedup;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Remembers which facts were delivered (for a window) and keeps the durable state mapping needs. Every operation works
 * on a whole batch at once, so a remote store answers a poll in one round trip. Implementations are thread-safe and
 * throw {@link DedupStoreUnavailableException} when the store cannot be reached.
 */
public interface DedupStore extends AutoCloseable {

    /** Of {@code factIds}, those delivered within the window. */
    Set<String> delivered(Collection<String> factIds);

    /** Remembers {@code factIds} as delivered for the window. */
    void markDelivered(Collection<String> factIds);

    /**
     * Claims each key for a fact unless it is already held, and returns the holder of each key afterwards: a milestone
     * (such as {@code dashboard_first_view} of one user) is sent only by the fact that holds its key, so a re-delivered
     * first fact still sends it and a later one never does. Claims do not expire.
     *
     * @param claims key to the fact id that would claim it
     * @return key to the fact id holding it
     */
    Map<String, String> claim(Map<String, String> claims);

    /**
     * Raises the clock of each key to the given time if that is later, and returns each key's clock from before the
     * call (keys never seen are absent). Used to drop a group update older than one already applied.
     *
     * @param clocks key to epoch milliseconds
     */
    Map<String, Long> advance(Map<String, Long> clocks);

    /** Where the state lives, for logs and health: {@code memory} or the Redis address. */
    String description();

    @Override
    default void close() {}
}
