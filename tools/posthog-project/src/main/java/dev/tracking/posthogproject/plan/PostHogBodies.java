package dev.tracking.posthogproject.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracking.posthogproject.api.ObjectType;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Behaviour;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Cohort;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Dashboard;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.FeatureFlag;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Funnel;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Insight;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Question;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Step;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Survey;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Trend;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders declared objects as the bodies PostHog's REST API takes, holding only declared fields (what a PATCH
 * sends and what a plan compares). Every object carries a marker, {@code posthog-project#<id>}, at the end of its
 * description (of its name for a flag, PostHog's description field of flags), by which later runs find it.
 */
public final class PostHogBodies {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern MARKER = Pattern.compile("posthog-project#([A-Za-z0-9_-]+)");

    private PostHogBodies() {}

    /** The marker an object of {@code type} carries, if any. */
    public static Optional<String> markerOf(ObjectType type, JsonNode object) {
        String field = type == ObjectType.FEATURE_FLAG ? "name" : "description";
        Matcher marker = MARKER.matcher(object.path(field).asText(""));
        return marker.find() ? Optional.of(marker.group(1)) : Optional.empty();
    }

    /** {@code text}, then the marker sentence. */
    static String marked(String text, String id) {
        String head = text == null || text.isBlank() ? "" : text.strip() + "\n\n";
        return head + "Managed as code in posthog/project.yaml (posthog-project#" + id
                + "); changes made in PostHog are overwritten by the next apply.";
    }

    /** A dynamic cohort: OR over behaviours, each in its own AND group, as PostHog's cohort editor writes them. */
    public static ObjectNode cohort(Cohort cohort) {
        ObjectNode body = JSON.objectNode();
        body.put("name", cohort.name());
        body.put("description", marked(cohort.description(), cohort.id()));
        body.put("is_static", false);
        ObjectNode properties = body.putObject("filters").putObject("properties");
        properties.put("type", "OR");
        ArrayNode groups = properties.putArray("values");
        for (Behaviour behaviour : cohort.anyOf()) {
            ObjectNode group = groups.addObject();
            group.put("type", "AND");
            ObjectNode filter = group.putArray("values").addObject();
            filter.put("type", "behavioral");
            filter.put("key", behaviour.event());
            filter.put("event_type", "events");
            if (behaviour.atLeast() == 1) {
                filter.put("value", "performed_event");
            } else {
                filter.put("value", "performed_event_multiple");
                filter.put("operator", "gte");
                filter.put("operator_value", behaviour.atLeast());
            }
            filter.put("time_value", behaviour.withinDays());
            filter.put("time_interval", "day");
        }
        return body;
    }

    /** A dashboard: name and description (its tiles follow from the insights' {@code dashboards}). */
    public static ObjectNode dashboard(Dashboard dashboard) {
        ObjectNode body = JSON.objectNode();
        body.put("name", dashboard.name());
        body.put("description", marked(dashboard.description(), dashboard.id()));
        return body;
    }

    /** An insight without its {@code dashboards} (the planner resolves those): name, description, saved, query. */
    public static ObjectNode insight(Insight insight) {
        ObjectNode body = JSON.objectNode();
        body.put("name", insight.name());
        body.put("description", marked(insight.description(), insight.id()));
        body.put("saved", true); // PostHog's default is false: unsaved insights are missing from the insights list
        ObjectNode query = body.putObject("query");
        query.put("kind", "InsightVizNode");
        ObjectNode source = query.putObject("source");
        if (insight.funnel() != null) {
            Funnel funnel = insight.funnel();
            source.put("kind", "FunnelsQuery");
            ArrayNode series = source.putArray("series");
            funnel.steps().forEach(step -> series.add(eventsNode(step, false)));
            ObjectNode filter = JSON.objectNode();
            if (funnel.conversionWindowDays() != null) {
                filter.put("funnelWindowInterval", funnel.conversionWindowDays());
                filter.put("funnelWindowIntervalUnit", "day");
            }
            if (funnel.order() != null) {
                filter.put("funnelOrderType", funnel.order());
            }
            if (!filter.isEmpty()) {
                source.set("funnelsFilter", filter);
            }
        } else {
            Trend trend = insight.trend();
            source.put("kind", "TrendsQuery");
            ArrayNode series = source.putArray("series");
            trend.series().forEach(step -> series.add(eventsNode(step, true)));
            source.put("interval", trend.interval());
            if (trend.dateFrom() != null) {
                source.putObject("dateRange").put("date_from", trend.dateFrom());
            }
        }
        return body;
    }

    private static ObjectNode eventsNode(Step step, boolean total) {
        ObjectNode node = JSON.objectNode();
        node.put("kind", "EventsNode");
        node.put("event", step.event());
        node.put("name", step.event());
        if (total) {
            node.put("math", "total");
        }
        if (!step.where().isEmpty()) {
            ArrayNode properties = node.putArray("properties");
            for (Map.Entry<String, String> where : new TreeMap<>(step.where()).entrySet()) {
                ObjectNode property = properties.addObject();
                property.put("key", where.getKey());
                property.put("value", where.getValue());
                property.put("operator", "exact");
                property.put("type", "event");
            }
        }
        return node;
    }

    /**
     * A boolean flag released to a percentage of the groups at {@code groupTypeIndex} (of persons when
     * {@code null}).
     */
    public static ObjectNode featureFlag(FeatureFlag flag, Integer groupTypeIndex) {
        ObjectNode body = JSON.objectNode();
        body.put("key", flag.key());
        body.put("name", marked(flag.name(), flag.key()));
        body.put("active", flag.active() == null || flag.active());
        ObjectNode filters = body.putObject("filters");
        if (groupTypeIndex == null) {
            filters.putNull("aggregation_group_type_index");
        } else {
            filters.put("aggregation_group_type_index", groupTypeIndex);
        }
        ObjectNode group = filters.putArray("groups").addObject();
        group.putArray("properties");
        group.put("rollout_percentage", flag.rolloutPercentage());
        return body;
    }

    /** Fields sent only when a flag is created: no usage dashboard per flag. */
    public static ObjectNode featureFlagCreateOnly() {
        return JSON.objectNode().put("_should_create_usage_dashboard", false);
    }

    /**
     * A survey without {@code start_date} (a draft; the planner adds it to launch one); {@code conditions} only when
     * {@code show_on} is declared.
     */
    public static ObjectNode survey(Survey survey) {
        ObjectNode body = JSON.objectNode();
        body.put("name", survey.name());
        body.put("description", marked(survey.description(), survey.id()));
        body.put("type", survey.type() == null ? "popover" : survey.type());
        ArrayNode questions = body.putArray("questions");
        for (Question question : survey.questions()) {
            ObjectNode q = questions.addObject();
            q.put("type", question.type());
            q.put("question", question.question());
            switch (question.type()) {
                case "rating" -> {
                    q.put("scale", question.scale());
                    q.put("display", question.display() == null ? "number" : question.display());
                    if (question.lowerLabel() != null) {
                        q.put("lowerBoundLabel", question.lowerLabel());
                    }
                    if (question.upperLabel() != null) {
                        q.put("upperBoundLabel", question.upperLabel());
                    }
                }
                case "single_choice", "multiple_choice" -> {
                    ArrayNode choices = q.putArray("choices");
                    question.choices().forEach(choices::add);
                    if (question.openChoice() != null) {
                        choices.add(question.openChoice());
                    }
                    q.put("hasOpenChoice", question.openChoice() != null);
                }
                default -> {}
            }
        }
        if (survey.showOn() != null) {
            ObjectNode conditions = body.putObject("conditions");
            conditions.put("url", survey.showOn());
            conditions.put("urlMatchType", "icontains");
        }
        return body;
    }
}
