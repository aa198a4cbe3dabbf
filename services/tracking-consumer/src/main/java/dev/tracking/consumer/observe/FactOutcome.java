package dev.tracking.consumer.observe;

/** What became of one consumed record, counted once it is settled (its offset may be committed). */
public enum FactOutcome {
    /** PostHog accepted every event of the fact that was sent. */
    DELIVERED("delivered"),
    /** Skipped: delivered before, or a repeat within the poll. */
    DUPLICATE("duplicates"),
    /** Nothing sent because its events are switched off ({@code tracking.events.*}); handled all the same. */
    SUPPRESSED("suppressed"),
    /** Nothing sent because every event was dropped: a repeated milestone, or group properties older than applied. */
    DROPPED("dropped"),
    /** Written to the dead-letter topic (the broker acknowledged it). */
    DEAD_LETTERED("dead-lettered");

    private final String meterSuffix;

    FactOutcome(String meterSuffix) {
        this.meterSuffix = meterSuffix;
    }

    /** The meter counting it: {@code tracking.facts.<suffix>}. */
    public String meterName() {
        return "tracking.facts." + meterSuffix;
    }
}
