package dev.tracking.consumer.mapping;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The tiers of the tracking plan: a team starts with {@link #CORE_FUNNEL} only (inside PostHog's free volume) and
 * switches on more ({@code tracking.events.tiers}). Profile updates ({@code $identify}, {@code $groupidentify}) have no
 * tier: they always flow.
 */
public enum Tier {
    CORE_FUNNEL(1, "core funnel"),
    ENGAGEMENT(2, "engagement"),
    GROWTH(3, "growth");

    private final int number;
    private final String label;

    Tier(int number, String label) {
        this.number = number;
        this.label = label;
    }

    /** The tier's number as configured and tagged on metrics: 1, 2 or 3. */
    public int number() {
        return number;
    }

    /** What the tier is for: {@code core funnel}, {@code engagement}, {@code growth}. */
    public String label() {
        return label;
    }

    /**
     * The tier numbered {@code text} ({@code "1"}, {@code " 2 "}).
     *
     * @throws IllegalArgumentException naming the value and the valid tiers
     */
    public static Tier of(String text) {
        String trimmed = text == null ? "" : text.trim();
        for (Tier tier : values()) {
            if (Integer.toString(tier.number).equals(trimmed)) {
                return tier;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a tier; valid tiers are " + valid());
    }

    /** The valid tiers as a person reads them: {@code 1 (core funnel), 2 (engagement), 3 (growth)}. */
    public static String valid() {
        return Arrays.stream(values())
                .map(tier -> tier.number + " (" + tier.label + ")")
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return number + " (" + label.toLowerCase(Locale.ROOT) + ")";
    }
}
