package dev.tracking.schemas;

import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * Typed access to the fields every fact has. Each fact schema starts with {@code event_id, occurred_at, team_id,
 * user_id, source} in that order (a test in this module holds every schema to it), so these are positional reads.
 */
public final class Facts {
    public static final int EVENT_ID = 0;
    public static final int OCCURRED_AT = 1;
    public static final int TEAM_ID = 2;
    public static final int USER_ID = 3;
    public static final int SOURCE = 4;

    private Facts() {}

    public static String eventId(SpecificRecord fact) {
        return (String) fact.get(EVENT_ID);
    }

    public static Instant occurredAt(SpecificRecord fact) {
        return (Instant) fact.get(OCCURRED_AT);
    }

    /** The team slug, or null for a fact whose schema allows no team (a signup before joining one). */
    public static String teamId(SpecificRecord fact) {
        return (String) fact.get(TEAM_ID);
    }

    /** The acting user, or null for a team-level fact with no acting user. */
    public static String userId(SpecificRecord fact) {
        return (String) fact.get(USER_ID);
    }

    public static String source(SpecificRecord fact) {
        return (String) fact.get(SOURCE);
    }

    /** Record name of the fact ({@code SubscriptionStarted}), as used in fact files and dead-letter headers. */
    public static String typeName(SpecificRecord fact) {
        return fact.getSchema().getName();
    }
}
