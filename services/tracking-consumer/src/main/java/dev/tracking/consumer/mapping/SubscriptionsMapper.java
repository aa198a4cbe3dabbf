package dev.tracking.consumer.mapping;

import static dev.tracking.consumer.mapping.EventBuilder.event;
import static dev.tracking.consumer.mapping.EventBuilder.groupIdentify;

import dev.tracking.facts.SubscriptionCancelled;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Billing: the subscription events and the team's plan, seats and {@code subscription_status}. */
final class SubscriptionsMapper implements FamilyMapper {

    @Override
    public FactFamily family() {
        return FactFamily.SUBSCRIPTIONS;
    }

    @Override
    public void map(SpecificRecord fact, List<PostHogEvent> out) {
        if (fact instanceof SubscriptionStarted f) {
            out.add(event("subscription_started", f)
                    .property("plan", f.getPlan())
                    .property("seats", f.getSeats())
                    .build());
            out.add(groupIdentify(f)
                    .groupSet("plan", f.getPlan())
                    .groupSet("seats", f.getSeats())
                    .groupSet("subscription_status", "active")
                    .build());
        } else if (fact instanceof SubscriptionCancelled f) {
            out.add(event("subscription_cancelled", f)
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
