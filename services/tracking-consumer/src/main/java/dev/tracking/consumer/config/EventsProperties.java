package dev.tracking.consumer.config;

import dev.tracking.consumer.mapping.EventSelection;
import dev.tracking.consumer.mapping.EventType;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.Tier;
import jakarta.validation.constraints.Min;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which PostHog events are sent ({@code tracking.events.*}). Each event's tier is declared beside its mapping; the
 * tracking plan lists them. A bad value stops start-up naming it and the valid ones.
 *
 * @param tiers the tiers switched on, a comma list of {@code 1} (core funnel), {@code 2} (engagement), {@code 3}
 *     (growth); profile updates are not tiered and always sent
 * @param disabled events switched off by name, whatever their tier
 * @param monthlyAllowance PostHog events a month the project may send (PostHog's free tier: 1,000,000); {@code
 *     /actuator/tracking} projects the month's volume against it
 */
@ConfigurationProperties("tracking.events")
@Validated
public record EventsProperties(
        @DefaultValue("1,2,3") List<String> tiers,
        @DefaultValue("") List<String> disabled,
        @Min(1) @DefaultValue("1000000") long monthlyAllowance) {

    public EventsProperties {
        tiers = trimmed(tiers);
        disabled = trimmed(disabled);
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("tracking.events.tiers is empty: name at least one of " + Tier.valid()
                    + " (tracking.events.disabled switches off single events)");
        }
        for (String tier : tiers) {
            try {
                Tier.of(tier);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "tracking.events.tiers=" + String.join(",", tiers) + ": " + e.getMessage());
            }
        }
        try {
            EventSelection.of(List.of(), disabled, FactMapping.standard().eventTypes());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "tracking.events.disabled=" + String.join(",", disabled) + ": " + e.getMessage());
        }
    }

    /** The selection these settings make of {@code catalogue}. */
    public EventSelection selection(Map<String, EventType> catalogue) {
        Set<Tier> on = EnumSet.noneOf(Tier.class);
        tiers.forEach(tier -> on.add(Tier.of(tier)));
        return EventSelection.of(on, disabled, catalogue);
    }

    private static List<String> trimmed(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                if (value != null && !value.isBlank()) {
                    out.add(value.trim());
                }
            }
        }
        return List.copyOf(out);
    }
}
