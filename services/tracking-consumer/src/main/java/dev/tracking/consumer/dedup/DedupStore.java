package dev.tracking.consumer.dedup;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Remembers which facts were delivered (for a window) and keeps the durable state mapping needs: milestone claims and
 * group-property clocks. Every operation works on a whole batch at once, so a remote store answers a poll in one round
 * trip (or one per shard). Implementations are thread-safe and throw {@link DedupStoreUnavailableException} when the
 * store cannot be reached or refuses a write.
 *
 * <p>State is changed only for what PostHog accepted: the pipeline reads clocks before sending ({@link #clocks}) and
 * {@link #advance advances} them only for group updates PostHog accepted, so a process that dies between sending and
 * hearing back leaves no clock that would make its redelivered updates look stale. Milestones are claimed before
 * sending, by fact id (a redelivered first fact still holds its claim), and {@link #release released} for events PostHog
 * refused.
 */
public interface DedupStore extends AutoCloseable {

    /**
     * A fact as the store remembers it. A re-published fact repeats both (FactPublisher pins them on the caller's
     * record), so a store may bucket ids by {@code occurredAt}.
     *
     * @param eventId the fact's {@code event_id} (validated to be a UUID before it gets here)
     * @param occurredAtMillis the fact's {@code occurred_at}, epoch milliseconds
     */
    record FactKey(UUID eventId, long occurredAtMillis) {}

    /** Of {@code facts}, those delivered within the window. */
    Set<FactKey> delivered(Collection<FactKey> facts);

    /** Remembers {@code facts} as delivered for (at least) the window, counted from now. */
    void markDelivered(Collection<FactKey> facts);

    /**
     * Claims each key for a fact unless it is already held, and returns the holder of each key afterwards: a milestone
     * (such as {@code dashboard_first_view} of one user) is sent only by the fact that holds its key, so a re-delivered
     * first fact still sends it and a later one never does.
     *
     * @param claims key to the fact id that would claim it
     * @return key to the fact id holding it
     */
    Map<String, String> claim(Map<String, String> claims);

    /** Releases each key held by the given fact id (a key held by another fact is left alone). */
    void release(Map<String, String> claims);

    /**
     * Raises the clock of each key to the given time if that is later, and returns each key's clock from before the
     * call (keys never seen are absent).
     *
     * @param clocks key to epoch milliseconds
     */
    Map<String, Long> advance(Map<String, Long> clocks);

    /** The clock of each of {@code keys} (epoch milliseconds); keys never advanced are absent. Writes nothing. */
    Map<String, Long> clocks(Collection<String> keys);

    /** Where the state lives, for logs and health: {@code memory} or the Redis address. */
    String description();

    @Override
    default void close() {}
}
