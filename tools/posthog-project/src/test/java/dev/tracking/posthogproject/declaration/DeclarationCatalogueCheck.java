package dev.tracking.posthogproject.declaration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.FeatureFlag;
import dev.tracking.posthogproject.plan.PostHogBodies;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a declaration against a {@link TrackingPlanCatalogue} on the bodies PostHog would receive, so that whatever
 * the declaration format grows, what reaches PostHog is checked: every object in every rendered body is visited, and
 * one that names an event or a property in a shape this check does not know fails it too (a new shape must be taught
 * here before it can be declared).
 */
final class DeclarationCatalogueCheck {
    /** Property filter types and what their key names. */
    private static final Set<String> FILTER_TYPES = Set.of("event", "person", "group", "behavioral", "cohort");

    private final TrackingPlanCatalogue catalogue;
    private final List<String> problems = new ArrayList<>();
    int eventReferences;
    int propertyReferences;

    DeclarationCatalogueCheck(TrackingPlanCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Every problem, one line each, naming the object, the place in its body and the unknown name. */
    List<String> check(ProjectDeclaration declaration) {
        declaration.insights().forEach(i -> visit("insight " + i.id(), "", PostHogBodies.insight(i), null));
        declaration.cohorts().forEach(c -> visit("cohort " + c.id(), "", PostHogBodies.cohort(c), null));
        declaration.dashboards().forEach(d -> visit("dashboard " + d.id(), "", PostHogBodies.dashboard(d), null));
        declaration.surveys().forEach(s -> visit("survey " + s.id(), "", PostHogBodies.survey(s), null));
        for (FeatureFlag flag : declaration.featureFlags()) {
            if (flag.groupType() != null && !catalogue.groupProperties.containsKey(flag.groupType())) {
                problems.add("feature flag " + flag.key() + ": group type '" + flag.groupType()
                        + "' is not one the consumer sends; known: " + catalogue.groupProperties.keySet());
            }
            visit("feature flag " + flag.key(), "", PostHogBodies.featureFlag(flag, 0), null);
        }
        return problems;
    }

    private void visit(String object, String path, JsonNode node, String event) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                visit(object, path + "[" + i + "]", node.get(i), event);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        String kind = node.path("kind").asText("");
        String type = node.path("type").asText("");
        String scope = event;
        if (kind.equals("EventsNode")) {
            scope = node.path("event").asText();
            eventReferences++;
            if (!catalogue.events.containsKey(scope)) {
                problems.add(object + ": " + path + ".event: '" + scope + "' is not an event of the tracking plan");
            }
        } else if (node.has("event") || node.has("events")) {
            problems.add(object + ": " + path + ": names an event in a shape this check does not know: " + node);
        }
        if (FILTER_TYPES.contains(type) && node.has("key")) {
            filter(object, path, (ObjectNode) node, type, event);
        } else if (node.has("key") && node.has("operator")) {
            problems.add(object + ": " + path + ": a property filter of unknown type '" + type + "': " + node);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            visit(object, path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue(), scope);
        }
    }

    private void filter(String object, String path, ObjectNode filter, String type, String event) {
        String key = filter.path("key").asText();
        switch (type) {
            case "behavioral" -> {
                eventReferences++;
                if (!catalogue.events.containsKey(key)) {
                    problems.add(object + ": " + path + ".key: '" + key + "' is not an event of the tracking plan");
                }
            }
            case "event" -> {
                propertyReferences++;
                TrackingPlanCatalogue.Event known = event == null ? null : catalogue.events.get(event);
                if (known == null) {
                    problems.add(object + ": " + path + ": event property '" + key + "' outside a known event");
                } else if (!known.properties().contains(key)) {
                    problems.add(object + ": " + path + ".key: '" + key + "' is not a property of " + event
                            + "; its properties: " + known.properties());
                } else if (known.values().containsKey(key)
                        && !known.values()
                                .get(key)
                                .contains(filter.path("value").asText())) {
                    problems.add(object + ": " + path + ".value: '"
                            + filter.path("value").asText() + "' is not a value of " + event + "." + key + "; values: "
                            + known.values().get(key));
                }
            }
            case "person" -> {
                propertyReferences++;
                if (!catalogue.personProperties.contains(key)) {
                    problems.add(object + ": " + path + ".key: '" + key + "' is not a person property; known: "
                            + catalogue.personProperties);
                }
            }
            case "group" -> {
                propertyReferences++;
                boolean known = catalogue.groupProperties.values().stream().anyMatch(p -> p.contains(key));
                if (!known) {
                    problems.add(object + ": " + path + ".key: '" + key + "' is not a group property; known: "
                            + catalogue.groupProperties);
                }
            }
            default -> {}
        }
    }
}
