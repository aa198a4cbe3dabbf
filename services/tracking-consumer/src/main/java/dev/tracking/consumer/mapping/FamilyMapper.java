package dev.tracking.consumer.mapping;

import dev.tracking.schemas.FactFamily;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Maps the facts of one {@link FactFamily} to PostHog events: the one place where a generated Avro class meets
 * PostHog's vocabulary. A mapper is pure: the same fact always gives the same events.
 */
public interface FamilyMapper {

    FactFamily family();

    /**
     * Every event each fact type of the family can produce, declared as constants beside the mapping (with their
     * tiers); the tracking plan is generated from these, and a test proves that mapping produces exactly them.
     */
    Map<Class<? extends SpecificRecord>, List<EventType>> events();

    /**
     * Appends the events of {@code fact} to {@code out}, in the order they should reach PostHog.
     *
     * @throws UnmappableFactException when the fact's type has no mapping here
     */
    void map(SpecificRecord fact, List<PostHogEvent> out);
}
