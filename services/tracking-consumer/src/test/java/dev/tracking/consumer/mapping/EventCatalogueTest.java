package dev.tracking.consumer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.testkit.fixtures.FactFixtures;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The declared events are exactly what mapping produces: every fact type, with every symbol of each of its enum fields
 * (so that {@code IntegrationConnected} yields each provider's event), maps to events declared for its type, and every
 * declared event is produced by one of them.
 */
class EventCatalogueTest {
    private static final FactMapping MAPPING = FactMapping.standard();

    @TestFactory
    List<DynamicTest> everyFactTypeProducesOnlyTheEventsDeclaredForIt() {
        return FactFixtures.oneOfEachType().entrySet().stream()
                .map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
                    SpecificRecordBase fixture = entry.getValue();
                    List<EventType> declared = MAPPING.eventTypesOf(fixture.getClass());
                    Set<EventType> produced = new LinkedHashSet<>();
                    for (SpecificRecord variant : variants(fixture)) {
                        MAPPING.map(variant).forEach(event -> produced.add(event.type()));
                    }
                    assertThat(produced)
                            .as("events of %s with every enum symbol, against the mapper's events()", entry.getKey())
                            .containsExactlyInAnyOrderElementsOf(declared);
                }))
                .toList();
    }

    @Test
    void theCatalogueHoldsEveryDeclaredEventOnceWithTheTierOfTheTrackingPlan() {
        Map<String, EventType> catalogue = MAPPING.eventTypes();

        assertThat(catalogue.values().stream().filter(type -> type.tier() == Tier.CORE_FUNNEL))
                .extracting(EventType::name)
                .containsExactlyInAnyOrder(
                        "user_signed_up",
                        "onboarding_step_completed",
                        "onboarding_skipped",
                        "onboarding_completed",
                        "github_connected",
                        "jira_connected",
                        "slack_connected",
                        "dashboard_first_view",
                        "subscription_started",
                        "subscription_cancelled");
        assertThat(catalogue.values().stream().filter(type -> type.tier() == Tier.ENGAGEMENT))
                .extracting(EventType::name)
                .containsExactlyInAnyOrder(
                        "dashboard_viewed",
                        "analytics_viewed",
                        "pr_list_exported",
                        "survey_response_submitted",
                        "leaderboard_viewed");
        assertThat(catalogue.values().stream().filter(type -> type.tier() == Tier.GROWTH))
                .extracting(EventType::name)
                .containsExactlyInAnyOrder(
                        "team_member_invited", "integration_reconnected", "integration_health_checked");
    }

    /** The fixture, and a copy of it for every symbol of every enum field. */
    private static List<SpecificRecord> variants(SpecificRecordBase fixture) {
        List<SpecificRecord> variants = new ArrayList<>(List.of(fixture));
        for (Schema.Field field : fixture.getSchema().getFields()) {
            Schema enumSchema = enumOf(field.schema());
            if (enumSchema == null) {
                continue;
            }
            for (String symbol : enumSchema.getEnumSymbols()) {
                SpecificRecordBase copy = SpecificData.get().deepCopy(fixture.getSchema(), fixture);
                copy.put(field.pos(), SpecificData.get().createEnum(symbol, enumSchema));
                variants.add(copy);
            }
        }
        return variants;
    }

    private static Schema enumOf(Schema schema) {
        if (schema.getType() == Schema.Type.ENUM) {
            return schema;
        }
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream()
                    .filter(type -> type.getType() == Schema.Type.ENUM)
                    .findFirst()
                    .orElse(null);
        }
        return null;
    }
}
