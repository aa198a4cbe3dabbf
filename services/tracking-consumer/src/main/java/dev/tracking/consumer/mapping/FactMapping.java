package dev.tracking.consumer.mapping;

import dev.tracking.schemas.FactFamily;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Routes each fact to the mapper of its family. Every family must have exactly one mapper. */
public final class FactMapping {
    private final Map<FactFamily, FamilyMapper> mappers = new EnumMap<>(FactFamily.class);
    private final Map<String, EventType> eventTypes;

    /** @throws IllegalStateException when two mappers share a family, or declare one event name with two tiers */
    public FactMapping(List<FamilyMapper> mappers) {
        Map<String, EventType> types = new LinkedHashMap<>();
        for (FamilyMapper mapper : mappers) {
            FamilyMapper previous = this.mappers.put(mapper.family(), mapper);
            if (previous != null) {
                throw new IllegalStateException("two mappers for " + mapper.family() + ": "
                        + previous.getClass().getSimpleName() + " and "
                        + mapper.getClass().getSimpleName());
            }
            mapper.events().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey(Comparator.comparing(Class::getSimpleName)))
                    .flatMap(entry -> entry.getValue().stream())
                    .forEach(type -> {
                        EventType known = types.putIfAbsent(type.name(), type);
                        if (known != null && !known.equals(type)) {
                            throw new IllegalStateException(
                                    type.name() + " is declared twice with different tiers: " + known + " and " + type);
                        }
                    });
        }
        this.eventTypes = Collections.unmodifiableMap(types);
    }

    /** The standard mappers, one per family. */
    public static FactMapping standard() {
        return new FactMapping(List.of(
                new OnboardingMapper(),
                new IntegrationsMapper(),
                new EngagementMapper(),
                new SubscriptionsMapper(),
                new ProfilesMapper()));
    }

    /** Every event the mappers can produce, by PostHog event name: the catalogue of the tracking plan. */
    public Map<String, EventType> eventTypes() {
        return eventTypes;
    }

    /** The events each fact type can produce, as its family's mapper declares them (empty for an unknown type). */
    public List<EventType> eventTypesOf(Class<? extends SpecificRecord> factType) {
        FamilyMapper mapper;
        try {
            mapper = mappers.get(FactFamily.of(factType));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        return mapper == null ? List.of() : mapper.events().getOrDefault(factType, List.of());
    }

    /**
     * The events of one fact, before milestone and group-order filtering.
     *
     * @throws UnmappableFactException when no mapper knows the fact's type
     */
    public List<PostHogEvent> map(SpecificRecord fact) {
        @SuppressWarnings("unchecked")
        Class<? extends SpecificRecord> type = (Class<? extends SpecificRecord>) fact.getClass();
        FactFamily family;
        try {
            family = FactFamily.of(type);
        } catch (IllegalArgumentException e) {
            throw new UnmappableFactException(e.getMessage());
        }
        FamilyMapper mapper = mappers.get(family);
        if (mapper == null) {
            throw new UnmappableFactException("no mapper for the " + family.key() + " family");
        }
        List<PostHogEvent> events = new ArrayList<>(2);
        mapper.map(fact, events);
        if (events.isEmpty()) {
            throw new UnmappableFactException(type.getSimpleName() + " produced no PostHog event");
        }
        return events;
    }

    static UnmappableFactException unknown(FamilyMapper mapper, SpecificRecord fact) {
        return new UnmappableFactException(fact.getSchema().getName() + " has no mapping in "
                + mapper.getClass().getSimpleName());
    }
}
