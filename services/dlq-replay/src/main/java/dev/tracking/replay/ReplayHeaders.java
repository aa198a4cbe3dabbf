package dev.tracking.replay;

/**
 * Headers the replay tool adds to a record it re-publishes, beside the record's original headers (kept byte for
 * byte). A replayed record that fails again is dead-lettered with them, so the next replay knows how often its fact was
 * replayed.
 */
public final class ReplayHeaders {
    /** The id of the replay run that sent the record (a UUID, also the key of its audit record). */
    public static final String ID = "tracking_replay-id";
    /** How many times the fact has been replayed, this replay included, decimal. */
    public static final String COUNT = "tracking_replay-count";
    /** The dead letter replayed: {@code <dead-letter topic>/<partition>/<offset>}. */
    public static final String OF = "tracking_replay-of";
    /** Prefix of every replay header; the previous replay's are replaced, not repeated. */
    public static final String PREFIX = "tracking_replay-";

    private ReplayHeaders() {}
}
