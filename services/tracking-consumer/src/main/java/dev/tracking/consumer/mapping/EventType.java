package dev.tracking.consumer.mapping;

import java.util.regex.Pattern;

/**
 * A PostHog event a mapper produces, declared once as a constant next to its mapping: its name and its tier of the
 * tracking plan. The mapper builds every event from one of these ({@link EventBuilder#event}), so the tier an event is
 * filtered, counted and documented by cannot differ from the one it was declared with.
 *
 * @param name the PostHog event name ({@code user_signed_up}, {@code $groupidentify})
 * @param tier the tier of the tracking plan, or null for an event outside the tiers (profile updates), always sent
 */
public record EventType(String name, Tier tier) {
    private static final Pattern NAME = Pattern.compile("\\$?[a-z][a-z0-9_]*");

    /** {@code $groupidentify}: a team's group properties. Not tiered. */
    public static final EventType GROUP_IDENTIFY = untiered("$groupidentify");

    public EventType {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("PostHog event names are lower_snake_case: " + name);
        }
    }

    /** An event of {@code tier}, sent only when that tier is switched on and the event is not disabled. */
    public static EventType of(String name, Tier tier) {
        if (tier == null) {
            throw new IllegalArgumentException(name + " needs a tier; an event outside the tiers is declared untiered");
        }
        return new EventType(name, tier);
    }

    /**
     * An event outside the tiers, always sent and never switched off: profile updates ({@code $identify}, {@code
     * $groupidentify}) and PostHog's feature flag exposure {@code $feature_flag_called}, which flag analytics and
     * experiments read.
     */
    public static EventType untiered(String name) {
        return new EventType(name, null);
    }

    /** True when the event is in a tier and can be switched off. */
    public boolean tiered() {
        return tier != null;
    }

    /** The tier as tagged on metrics: {@code 1}, {@code 2}, {@code 3}, or {@code none}. */
    public String tierTag() {
        return tier == null ? "none" : Integer.toString(tier.number());
    }
}
