package dev.tracking.consumer.consume;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.contributor.Status;

/**
 * Makes the {@code readiness} health group DOWN (HTTP 503) while component {@code consumption} is {@link
 * ConsumptionHealth#PAUSED}. Everywhere else a pause is backpressure, not a fault (the overall health orders {@code
 * PAUSED} after {@code UP}, see {@code application.yml}): liveness stays UP, so an orchestrator takes the instance out
 * of rotation without restarting it.
 */
public final class PausedIsNotReady implements HealthEndpointGroupsPostProcessor {
    static final String GROUP = "readiness";

    @Override
    public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
        HealthEndpointGroup readiness = groups.get(GROUP);
        if (readiness == null) {
            return groups;
        }
        Map<String, HealthEndpointGroup> named = new LinkedHashMap<>();
        groups.getNames().forEach(name -> named.put(name, groups.get(name)));
        named.put(GROUP, new PausedIsDown(readiness));
        return HealthEndpointGroups.of(groups.getPrimary(), named);
    }

    /** The group as configured, with {@code PAUSED} counted as {@code DOWN}. */
    private record PausedIsDown(HealthEndpointGroup group) implements HealthEndpointGroup {
        @Override
        public boolean isMember(String name) {
            return group.isMember(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return group.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return group.showDetails(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            StatusAggregator configured = group.getStatusAggregator();
            return new StatusAggregator() {
                @Override
                public Status getAggregateStatus(Set<Status> statuses) {
                    return configured.getAggregateStatus(statuses.stream()
                            .map(status -> ConsumptionHealth.PAUSED.equals(status) ? Status.DOWN : status)
                            .collect(Collectors.toSet()));
                }
            };
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return group.getHttpCodeStatusMapper();
        }

        @Override
        public AdditionalHealthEndpointPath getAdditionalPath() {
            return group.getAdditionalPath();
        }
    }
}
