package dev.tracking.consumer.mapping;

import static dev.tracking.consumer.mapping.EventBuilder.event;
import static dev.tracking.consumer.mapping.EventBuilder.groupIdentify;

import dev.tracking.facts.SubscriptionCancelled;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Billing: the subscription events and the team's plan, seats and {@code subscription_status}. */
final class SubscriptionsMapper implements FamilyMapper {
    static final EventType SUBSCRIPTION_STARTED = EventType.of("subscription_started", Tier.CORE_FUNNEL);
    static final EventType SUBSCRIPTION_CANCELLED = EventType.of("subscription_cancelled", Tier.CORE_FUNNEL);

    @Override
    public FactFamily family() {
        return FactFamily.SUBSCRIPTIONS;
    }

    @Override
    public Map<Class<? extends SpecificRecord>, List<EventType>> events() {
        return Map.of(
                SubscriptionStarted.class, List.of(SUBSCRIPTION_STARTED, EventType.GROUP_IDENTIFY),
                SubscriptionCancelled.class, List.of(SUBSCRIPTION_CANCELLED, EventType.GROUP_IDENTIFY));
    }

    @Override
    public void map(SpecificRecord fact, List<PostHogEvent> out) {
        if (fact instanceof SubscriptionStarted f) {
            out.add(event(SUBSCRIPTION_STARTED, f)
                    .property("plan", f.getPlan())
                    .property("seats", f.getSeats())
                    .build());
            out.add(groupIdentify(f)
                    .groupSet("plan", f.getPlan())
                    .groupSet("seats", f.getSeats())
                    .groupSet("subscription_status", "active")
                    .build());
        } else if (fact instanceof SubscriptionCancelled f) {
            out.add(event(SUBSCRIPTION_CANCELLED, f)
                    .property("reason", f.getReason())
                    .property("days_active", f.getDaysActive())
                    .build());
            out.add(groupIdentify(f)
                    .groupSet("subscription_status", "cancelled")
                    .build());
        } else {
            throw FactMapping.unknown(this, fact);
        }
    }
}
