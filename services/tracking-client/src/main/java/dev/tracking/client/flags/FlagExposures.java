package dev.tracking.client.flags;

/**
 * Where {@link FeatureFlags} reports the first answer of each (distinct id, flag, value) — the event PostHog calls
 * {@code $feature_flag_called}, which experiments and the flag's usage page count. {@link FactExposures} publishes it
 * as a {@code FeatureFlagCalled} fact through the tracking pipeline, so that it is de-duplicated and retried like every
 * other event; {@link #NONE} drops it.
 *
 * <p>Called on the checking thread: an implementation must not block (hand the work off) and should not throw (a throw
 * is logged and ignored, never passed to the caller).
 */
@FunctionalInterface
public interface FlagExposures {
    FlagExposures NONE = check -> {};

    void flagChecked(FlagCheck check);
}
