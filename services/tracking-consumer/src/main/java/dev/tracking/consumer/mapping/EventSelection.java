package dev.tracking.consumer.mapping;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which events are sent: those of the switched-on tiers that are not disabled by name, and every untiered event
 * (profile updates). An event left out is suppressed: not sent, while its fact still counts as handled.
 */
public final class EventSelection {
    private final Set<Tier> tiers;
    private final Set<String> disabled;

    private EventSelection(Set<Tier> tiers, Set<String> disabled) {
        this.tiers = tiers;
        this.disabled = disabled;
    }

    /** Every event is sent. */
    public static EventSelection all() {
        return new EventSelection(EnumSet.allOf(Tier.class), Set.of());
    }

    /**
     * The events of {@code tiers}, less those named in {@code disabled}.
     *
     * @param catalogue every event that exists, by name ({@link FactMapping#eventTypes()})
     * @throws IllegalArgumentException when {@code disabled} names an event that does not exist or is not tiered,
     *     naming it and the events that can be disabled
     */
    public static EventSelection of(
            Collection<Tier> tiers, Collection<String> disabled, Map<String, EventType> catalogue) {
        Set<String> names = new TreeSet<>();
        for (String name : disabled) {
            EventType type = catalogue.get(name);
            if (type == null || !type.tiered()) {
                throw new IllegalArgumentException("'" + name + "' "
                        + (type == null ? "is not an event of the tracking plan" : "is not tiered: it is always sent")
                        + "; events that can be disabled are " + String.join(", ", disableable(catalogue)));
            }
            names.add(name);
        }
        return new EventSelection(
                tiers.isEmpty() ? EnumSet.noneOf(Tier.class) : EnumSet.copyOf(tiers), Set.copyOf(names));
    }

    /** The names {@code tracking.events.disabled} accepts: every tiered event, sorted. */
    public static List<String> disableable(Map<String, EventType> catalogue) {
        return catalogue.values().stream()
                .filter(EventType::tiered)
                .map(EventType::name)
                .sorted()
                .toList();
    }

    /** True when events of this type go to PostHog. */
    public boolean sends(EventType type) {
        return !type.tiered() || (tiers.contains(type.tier()) && !disabled.contains(type.name()));
    }

    /** Of {@code catalogue}, the events that are not sent, sorted by name. */
    public List<EventType> suppressed(Collection<EventType> catalogue) {
        return catalogue.stream()
                .filter(type -> !sends(type))
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .toList();
    }

    @Override
    public String toString() {
        return "tiers " + tiers.stream().map(Tier::toString).collect(Collectors.joining(", "))
                + (disabled.isEmpty() ? "" : " less " + String.join(", ", disabled));
    }
}
