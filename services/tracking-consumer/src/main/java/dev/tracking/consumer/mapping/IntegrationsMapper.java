package dev.tracking.consumer.mapping;

import static dev.tracking.consumer.mapping.EventBuilder.event;
import static dev.tracking.consumer.mapping.EventBuilder.groupIdentify;

import dev.tracking.facts.IntegrationConnected;
import dev.tracking.facts.IntegrationHealthChecked;
import dev.tracking.facts.IntegrationReconnected;
import dev.tracking.schemas.FactFamily;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Integrations: {@code <provider>_connected} plus a team update {@code <provider>_connected: true}, reconnects and
 * health checks.
 */
final class IntegrationsMapper implements FamilyMapper {
    static final EventType GITHUB_CONNECTED = EventType.of("github_connected", Tier.CORE_FUNNEL);
    static final EventType JIRA_CONNECTED = EventType.of("jira_connected", Tier.CORE_FUNNEL);
    static final EventType SLACK_CONNECTED = EventType.of("slack_connected", Tier.CORE_FUNNEL);
    static final EventType INTEGRATION_RECONNECTED = EventType.of("integration_reconnected", Tier.GROWTH);
    static final EventType INTEGRATION_HEALTH_CHECKED = EventType.of("integration_health_checked", Tier.GROWTH);

    @Override
    public FactFamily family() {
        return FactFamily.INTEGRATIONS;
    }

    @Override
    public Map<Class<? extends SpecificRecord>, List<EventType>> events() {
        return Map.of(
                IntegrationConnected.class,
                List.of(GITHUB_CONNECTED, JIRA_CONNECTED, SLACK_CONNECTED, EventType.GROUP_IDENTIFY),
                IntegrationReconnected.class,
                List.of(INTEGRATION_RECONNECTED),
                IntegrationHealthChecked.class,
                List.of(INTEGRATION_HEALTH_CHECKED));
    }

    @Override
    public void map(SpecificRecord fact, List<PostHogEvent> out) {
        if (fact instanceof IntegrationConnected f) {
            EventType connected = switch (f.getProvider()) {
                case GITHUB -> GITHUB_CONNECTED;
                case JIRA -> JIRA_CONNECTED;
                case SLACK -> SLACK_CONNECTED;
            };
            out.add(event(connected, f)
                    .property("org_name", f.getOrgName())
                    .property("member_count", f.getMemberCount())
                    .build());
            out.add(groupIdentify(f).groupSet(connected.name(), true).build());
        } else if (fact instanceof IntegrationReconnected f) {
            out.add(event(INTEGRATION_RECONNECTED, f)
                    .property("integration", f.getProvider())
                    .build());
        } else if (fact instanceof IntegrationHealthChecked f) {
            out.add(event(INTEGRATION_HEALTH_CHECKED, f)
                    .property("integration", f.getProvider())
                    .property("status", f.getStatus())
                    .build());
        } else {
            throw FactMapping.unknown(this, fact);
        }
    }
}
