package dev.tracking.posthogproject.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracking.posthogproject.api.ObjectType;
import dev.tracking.posthogproject.api.PostHogApiClient;
import dev.tracking.posthogproject.api.PostHogApiClient.GroupType;
import dev.tracking.posthogproject.api.PostHogApiException;
import dev.tracking.posthogproject.declaration.ProjectDeclaration;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Dashboard;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.FeatureFlag;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Insight;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Survey;
import dev.tracking.posthogproject.plan.Change.Action;
import dev.tracking.posthogproject.plan.Change.DashboardLinks;
import dev.tracking.posthogproject.plan.JsonDiff.FieldDiff;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds a {@link Plan}: reads the project (group types, then every object of each managed kind), finds the objects
 * it manages (flags by key, the others by their {@code posthog-project#<id>} marker), and compares each declared
 * object with what PostHog holds, field by declared field. It only reads.
 */
public final class Planner {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final PostHogApiClient api;

    public Planner(PostHogApiClient api) {
        this.api = Objects.requireNonNull(api, "api");
    }

    /** The plan for {@code declaration}; with {@code prune}, managed objects no longer declared are deleted. */
    public Plan plan(ProjectDeclaration declaration, boolean prune) throws PostHogApiException {
        Map<String, Integer> groupTypes = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        Set<String> needed = declaration.featureFlags().stream()
                .map(FeatureFlag::groupType)
                .filter(Objects::nonNull)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!needed.isEmpty()) {
            Map<String, Integer> existing = new LinkedHashMap<>();
            for (GroupType type : api.groupTypes()) {
                existing.put(type.name(), type.index());
            }
            for (String name : needed) {
                if (existing.containsKey(name)) {
                    groupTypes.put(name, existing.get(name));
                } else {
                    missing.add(name);
                }
            }
        }

        Map<ObjectType, List<ObjectNode>> live = new EnumMap<>(ObjectType.class);
        for (ObjectType type : ObjectType.values()) {
            live.put(type, api.list(type));
        }
        List<String> conflicts = new ArrayList<>();
        Map<ObjectType, Map<String, ObjectNode>> managed = new EnumMap<>(ObjectType.class);
        for (ObjectType type : ObjectType.values()) {
            managed.put(type, byMarker(type, live.get(type), conflicts));
        }
        Map<String, ObjectNode> flagsByKey = new LinkedHashMap<>();
        for (ObjectNode flag : live.get(ObjectType.FEATURE_FLAG)) {
            flagsByKey.put(flag.path("key").asText(), flag);
        }

        List<Change> changes = new ArrayList<>();
        for (var cohort : declaration.cohorts()) {
            changes.add(compare(
                    ObjectType.COHORT,
                    cohort.id(),
                    cohort.name(),
                    PostHogBodies.cohort(cohort),
                    managed.get(ObjectType.COHORT).get(cohort.id())));
        }
        Map<String, Long> dashboardIds = new LinkedHashMap<>();
        for (Dashboard dashboard : declaration.dashboards()) {
            ObjectNode existing = managed.get(ObjectType.DASHBOARD).get(dashboard.id());
            if (existing != null) {
                dashboardIds.put(dashboard.id(), existing.path("id").asLong());
            }
            changes.add(compare(
                    ObjectType.DASHBOARD,
                    dashboard.id(),
                    dashboard.name(),
                    PostHogBodies.dashboard(dashboard),
                    existing));
        }
        Set<Long> managedDashboards = managed.get(ObjectType.DASHBOARD).values().stream()
                .map(d -> d.path("id").asLong())
                .collect(Collectors.toSet());
        for (Insight insight : declaration.insights()) {
            changes.add(insight(
                    insight,
                    managed.get(ObjectType.INSIGHT).get(insight.id()),
                    declaration,
                    dashboardIds,
                    managedDashboards));
        }
        for (FeatureFlag flag : declaration.featureFlags()) {
            ObjectNode existing = flagsByKey.get(flag.key());
            if (flag.groupType() != null && !groupTypes.containsKey(flag.groupType())) {
                changes.add(new Change(
                        Action.BLOCKED,
                        ObjectType.FEATURE_FLAG,
                        flag.key(),
                        flag.name(),
                        existing == null ? null : existing.path("id").asText(),
                        null,
                        null,
                        false,
                        List.of(),
                        "group type '" + flag.groupType() + "' does not exist in this project yet"));
                continue;
            }
            Integer index = flag.groupType() == null ? null : groupTypes.get(flag.groupType());
            changes.add(compare(
                    ObjectType.FEATURE_FLAG,
                    flag.key(),
                    flag.name(),
                    PostHogBodies.featureFlag(flag, index),
                    existing));
        }
        for (Survey survey : declaration.surveys()) {
            changes.add(survey(survey, managed.get(ObjectType.SURVEY).get(survey.id())));
        }
        changes.addAll(undeclared(declaration, managed, prune));
        return new Plan(groupTypes, missing, changes, conflicts);
    }

    private Map<String, ObjectNode> byMarker(ObjectType type, List<ObjectNode> objects, List<String> conflicts) {
        Map<String, List<ObjectNode>> byMarker = new LinkedHashMap<>();
        for (ObjectNode object : objects) {
            PostHogBodies.markerOf(type, object)
                    .ifPresent(marker -> byMarker.computeIfAbsent(marker, m -> new ArrayList<>())
                            .add(object));
        }
        Map<String, ObjectNode> unique = new LinkedHashMap<>();
        for (Map.Entry<String, List<ObjectNode>> entry : byMarker.entrySet()) {
            List<ObjectNode> carriers = entry.getValue();
            if (carriers.size() > 1) {
                conflicts.add(carriers.size() + " " + type.label() + "s carry marker posthog-project#" + entry.getKey()
                        + " (ids "
                        + carriers.stream().map(o -> o.path("id").asText()).collect(Collectors.joining(", "))
                        + "; a copy made in PostHog keeps the description): delete the copies or remove the marker"
                        + " from their " + (type == ObjectType.FEATURE_FLAG ? "name" : "description"));
            }
            unique.put(entry.getKey(), carriers.get(0));
        }
        return unique;
    }

    private static Change compare(ObjectType type, String id, String name, ObjectNode declared, ObjectNode existing) {
        if (existing == null) {
            return new Change(Action.CREATE, type, id, name, null, declared, null, false, List.of(), null);
        }
        ObjectNode patch = JSON.objectNode();
        List<FieldDiff> diffs = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = declared.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            List<FieldDiff> fieldDiffs =
                    JsonDiff.differences(field.getKey(), field.getValue(), existing.get(field.getKey()));
            if (!fieldDiffs.isEmpty()) {
                patch.set(field.getKey(), field.getValue());
                diffs.addAll(fieldDiffs);
            }
        }
        String remoteId = existing.path("id").asText();
        if (diffs.isEmpty()) {
            return new Change(Action.UNCHANGED, type, id, name, remoteId, null, null, false, List.of(), null);
        }
        return new Change(Action.UPDATE, type, id, name, remoteId, patch, null, false, diffs, null);
    }

    private Change insight(
            Insight insight,
            ObjectNode existing,
            ProjectDeclaration declaration,
            Map<String, Long> dashboardIds,
            Set<Long> managedDashboards) {
        List<String> declaredDashboards = declaration.dashboards().stream()
                .filter(d -> d.insights() != null && d.insights().contains(insight.id()))
                .map(Dashboard::id)
                .toList();
        Change change =
                compare(ObjectType.INSIGHT, insight.id(), insight.name(), PostHogBodies.insight(insight), existing);
        if (existing == null) {
            return new Change(
                    change.action(),
                    change.type(),
                    change.id(),
                    change.name(),
                    null,
                    change.body(),
                    new DashboardLinks(declaredDashboards, List.of()),
                    false,
                    List.of(),
                    null);
        }
        List<Long> actual = new ArrayList<>();
        existing.path("dashboards").forEach(d -> actual.add(d.asLong()));
        List<Long> kept =
                actual.stream().filter(d -> !managedDashboards.contains(d)).toList();
        Set<Long> desired = new HashSet<>(kept);
        boolean pending = false;
        for (String dashboard : declaredDashboards) {
            Long remote = dashboardIds.get(dashboard);
            if (remote == null) {
                pending = true;
            } else {
                desired.add(remote);
            }
        }
        if (!pending && desired.equals(new HashSet<>(actual))) {
            return change;
        }
        List<FieldDiff> diffs = new ArrayList<>(change.diffs());
        List<String> after = new ArrayList<>();
        kept.forEach(k -> after.add(Long.toString(k)));
        for (String dashboard : declaredDashboards) {
            Long remote = dashboardIds.get(dashboard);
            after.add(remote == null ? dashboard + " (new)" : remote + " (" + dashboard + ")");
        }
        diffs.add(new FieldDiff("dashboards", actual.toString(), after.toString()));
        ObjectNode patch = change.body() == null ? JSON.objectNode() : change.body();
        return new Change(
                Action.UPDATE,
                ObjectType.INSIGHT,
                insight.id(),
                insight.name(),
                change.remoteId(),
                patch,
                new DashboardLinks(declaredDashboards, kept),
                false,
                diffs,
                null);
    }

    private static Change survey(Survey survey, ObjectNode existing) {
        boolean launched = Boolean.TRUE.equals(survey.launched());
        Change change = compare(ObjectType.SURVEY, survey.id(), survey.name(), PostHogBodies.survey(survey), existing);
        boolean draft = existing == null
                || existing.path("start_date").isNull()
                || existing.path("start_date").isMissingNode();
        if (!launched || !draft) {
            return change;
        }
        if (existing == null) {
            return new Change(
                    Action.CREATE,
                    change.type(),
                    change.id(),
                    change.name(),
                    null,
                    change.body(),
                    null,
                    true,
                    List.of(),
                    null);
        }
        List<FieldDiff> diffs = new ArrayList<>(change.diffs());
        diffs.add(new FieldDiff("start_date", "null", "(the time of apply: launched)"));
        return new Change(
                Action.UPDATE,
                ObjectType.SURVEY,
                survey.id(),
                survey.name(),
                change.remoteId(),
                change.body() == null ? JSON.objectNode() : change.body(),
                null,
                true,
                diffs,
                null);
    }

    private static List<Change> undeclared(
            ProjectDeclaration declaration, Map<ObjectType, Map<String, ObjectNode>> managed, boolean prune) {
        Map<ObjectType, Set<String>> declared = new EnumMap<>(ObjectType.class);
        declared.put(ObjectType.COHORT, ids(declaration.cohorts().stream().map(c -> c.id())));
        declared.put(ObjectType.DASHBOARD, ids(declaration.dashboards().stream().map(Dashboard::id)));
        declared.put(ObjectType.INSIGHT, ids(declaration.insights().stream().map(Insight::id)));
        declared.put(
                ObjectType.FEATURE_FLAG, ids(declaration.featureFlags().stream().map(FeatureFlag::key)));
        declared.put(ObjectType.SURVEY, ids(declaration.surveys().stream().map(Survey::id)));
        List<ObjectType> reverse = new ArrayList<>(List.of(ObjectType.values()));
        Collections.reverse(reverse);
        List<Change> out = new ArrayList<>();
        for (ObjectType type : reverse) {
            for (Map.Entry<String, ObjectNode> entry : managed.get(type).entrySet()) {
                if (declared.get(type).contains(entry.getKey())) {
                    continue;
                }
                ObjectNode object = entry.getValue();
                out.add(new Change(
                        prune ? Action.DELETE : Action.KEEP,
                        type,
                        entry.getKey(),
                        type == ObjectType.FEATURE_FLAG
                                ? object.path("key").asText()
                                : object.path("name").asText(),
                        object.path("id").asText(),
                        null,
                        null,
                        false,
                        List.of(),
                        prune ? null : "no longer declared; --prune deletes it"));
            }
        }
        return out;
    }

    private static Set<String> ids(java.util.stream.Stream<String> ids) {
        return ids.collect(Collectors.toSet());
    }

    /** The dashboards of an insight to write: kept ones, then the declared ones resolved to PostHog ids. */
    static ArrayNode dashboardIds(DashboardLinks links, Map<String, Long> resolved) {
        ArrayNode ids = JSON.arrayNode();
        Set<Long> seen = new LinkedHashSet<>(links.kept());
        for (String dashboard : links.declared()) {
            Long id = resolved.get(dashboard);
            if (id == null) {
                throw new IllegalStateException("dashboard '" + dashboard + "' was neither found nor created");
            }
            seen.add(id);
        }
        seen.forEach(ids::add);
        return ids;
    }
}
