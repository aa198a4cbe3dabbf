package dev.tracking.spring.outbox;

/** Told what the relay does, for metrics and health. Called on the relay's thread; must not throw. */
public interface OutboxMonitor {

    /** Does nothing. */
    OutboxMonitor NONE = new OutboxMonitor() {};

    /** A fact was parked: kept in the table, never retried. */
    default void parked(OutboxRow row, String reason) {}

    /** Facts Kafka did not acknowledge in a round; they stay in the table and are retried. */
    default void retrying(int facts, String firstError) {}

    /** A round could not run at all (the database unreachable). */
    default void roundFailed(RuntimeException error) {}

    /** The table's counts after a round. */
    default void stats(OutboxStore.Stats stats) {}
}
