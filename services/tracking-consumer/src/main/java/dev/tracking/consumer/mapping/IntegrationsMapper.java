package dev.tracking.consumer.mapping;

import static dev.tracking.consumer.mapping.EventBuilder.event;
import static dev.tracking.consumer.mapping.EventBuilder.groupIdentify;

import dev.tracking.facts.IntegrationConnected;
import dev.tracking.facts.IntegrationHealthChecked;
import dev.tracking.facts.IntegrationReconnected;
import dev.tracking.schemas.FactFamily;
import java.util.List;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;

/**
 * Integrations: {@code <provider>_connected} plus a team update {@code <provider>_connected: true}, reconnects and
 * health checks.
 */
final class IntegrationsMapper implements FamilyMapper {

    @Override
    public FactFamily family() {
        return FactFamily.INTEGRATIONS;
    }

    @Override
    public void map(SpecificRecord fact, List<PostHogEvent> out) {
        if (fact instanceof IntegrationConnected f) {
            String connected = f.getProvider().name().toLowerCase(Locale.ROOT) + "_connected";
            out.add(event(connected, f)
                    .property("org_name", f.getOrgName())
                    .property("member_count", f.getMemberCount())
                    .build());
            out.add(groupIdentify(f).groupSet(connected, true).build());
        } else if (fact instanceof IntegrationReconnected f) {
            out.add(event("integration_reconnected", f)
                    .property("integration", f.getProvider())
                    .build());
        } else if (fact instanceof IntegrationHealthChecked f) {
            out.add(event("integration_health_checked", f)
                    .property("integration", f.getProvider())
                    .property("status", f.getStatus())
                    .build());
        } else {
            throw FactMapping.unknown(this, fact);
        }
    }
}
