package dev.tracking.client.flags;

import java.time.Instant;

/**
 * One answer {@link FeatureFlags} gave: what {@code $feature_flag_called} reports to analysts.
 *
 * @param flag the flag's key
 * @param teamId the team (group key of the {@code team} group type) it was evaluated for
 * @param userId the acting user, or {@code null} for a check made on behalf of the team
 * @param enabled the answer
 * @param source where the answer came from
 * @param checkedAt when
 */
public record FlagCheck(String flag, String teamId, String userId, boolean enabled, Source source, Instant checkedAt) {

    /** Where an answer came from. */
    public enum Source {
        /** Evaluated locally on definitions polled from PostHog (the last ones received, if PostHog is down now). */
        POSTHOG,
        /** The declared default: no definitions received yet, no team given, or the evaluation failed. */
        DEFAULT
    }

    /** The distinct id PostHog sees for this check: the user, or {@code team:<id>} for a team-level check. */
    public String distinctId() {
        return userId != null ? userId : "team:" + teamId;
    }
}
