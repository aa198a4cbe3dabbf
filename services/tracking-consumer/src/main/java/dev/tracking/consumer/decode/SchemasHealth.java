package dev.tracking.consumer.decode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of writer schemas ({@code /actuator/health}, component {@code schemas}): DOWN while records are held because
 * the writer schema they name is unknown (see {@link UnknownSchemaHold}), with, for each such reference, since when it
 * is unknown, when its records will be dead-lettered and the last record that named it; UP otherwise. References whose
 * hold is over, and whose records are therefore dead-lettered, are listed under {@code deadLettering}.
 */
public final class SchemasHealth implements HealthIndicator {
    private final UnknownSchemaHold hold;

    public SchemasHealth(UnknownSchemaHold hold) {
        this.hold = hold;
    }

    @Override
    public Health health() {
        List<UnknownSchemaHold.Unknown> held = hold.held();
        Health.Builder health = held.isEmpty() ? Health.up() : Health.down();
        health.withDetail("unknownSchemaHold", UnknownSchemaHold.text(hold.hold()));
        if (!held.isEmpty()) {
            health.withDetail("held", details(held, true));
        }
        List<UnknownSchemaHold.Unknown> expired = hold.expired();
        if (!expired.isEmpty()) {
            health.withDetail("deadLettering", details(expired, false));
        }
        return health.build();
    }

    private static Map<String, Map<String, String>> details(List<UnknownSchemaHold.Unknown> references, boolean held) {
        Map<String, Map<String, String>> details = new LinkedHashMap<>();
        for (UnknownSchemaHold.Unknown reference : references) {
            Map<String, String> detail = new LinkedHashMap<>();
            detail.put("since", reference.since().toString());
            detail.put(
                    held ? "deadLetterAt" : "deadLetteredSince",
                    reference.deadLetterAt().toString());
            detail.put("lastRecord", reference.lastRecord());
            details.put(reference.writerSchema(), detail);
        }
        return details;
    }
}
