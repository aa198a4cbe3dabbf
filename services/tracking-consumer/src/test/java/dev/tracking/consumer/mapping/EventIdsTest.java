package dev.tracking.consumer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {
    private static final String FACT = "5f0c7e3a-6c1b-4a57-9a8e-0d7c2b1e4f60";

    @Test
    void isAVersion5UuidThatDependsOnlyOnFactAndEventName() {
        UUID uuid = EventIds.of(FACT, "subscription_started");

        assertThat(uuid.version()).isEqualTo(5);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(EventIds.of(FACT, "subscription_started")).isEqualTo(uuid);
        // pinned (same as Python's uuid.uuid5(NAMESPACE, fact + "/" + event)): changing the namespace or the name
        // layout would stop re-deliveries of already delivered facts from merging in PostHog
        assertThat(uuid).hasToString("34eb1fc9-f06b-5037-83cc-102df4cb7fa4");
    }

    @Test
    void twoEventsOfOneFactAndOneEventOfTwoFactsDiffer() {
        assertThat(EventIds.of(FACT, "subscription_started")).isNotEqualTo(EventIds.of(FACT, "$groupidentify"));
        assertThat(EventIds.of(FACT, "subscription_started"))
                .isNotEqualTo(EventIds.of("5f0c7e3a-6c1b-4a57-9a8e-0d7c2b1e4f61", "subscription_started"));
    }
}
