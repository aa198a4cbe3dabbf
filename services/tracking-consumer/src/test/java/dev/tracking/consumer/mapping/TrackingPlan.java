package dev.tracking.consumer.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.posthogproject.declaration.ProjectDeclaration;
import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.Facts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Generates {@code docs/tracking-plan.md} from the code: every event the mappers declare with its tier, and, observed
 * by running the real mapping over each fact type's fixture and variants of it (every symbol of each enum field; every
 * field changed, to tell copied values from constants; every nullable field empty, to tell optional properties), the
 * properties each event carries with their types, the person and group properties each fact sets; and the product's
 * funnels and cohorts as {@code posthog/project.yaml} declares them, with the tiers each one needs.
 */
final class TrackingPlan {
    /** Fields every fact has: the event's envelope, not its properties. */
    private static final Set<String> ENVELOPE = Set.of("event_id", "occurred_at", "team_id", "user_id", "source");
    /** Keys in {@code properties} that the rules put on every event, not the mapping of one fact. */
    private static final Set<String> RULES = Set.of(
            "source",
            "$lib",
            "$groups",
            "$process_person_profile",
            "$set",
            "$set_once",
            "$group_type",
            "$group_key",
            "$group_set");

    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FactMapping mapping;
    private final Map<String, SpecificRecordBase> fixtures;
    private final ProjectDeclaration project;

    TrackingPlan(FactMapping mapping, Map<String, SpecificRecordBase> fixtures, ProjectDeclaration project) {
        this.mapping = mapping;
        this.fixtures = fixtures;
        this.project = project;
    }

    /** One variant of a fixture: which change made it, and the fact. */
    private record Variant(String kind, SpecificRecordBase fact) {}

    /** What was seen of one key (an event property, a person or a group property) across the variants. */
    private static final class Seen {
        final Map<String, Object> byVariant = new LinkedHashMap<>();
        final Set<String> types = new TreeSet<>();
    }

    /** One event of one fact type, as observed. */
    private static final class Observed {
        final EventType type;
        final Map<String, Seen> properties = new LinkedHashMap<>();
        final Map<String, Seen> set = new LinkedHashMap<>();
        final Map<String, Seen> setOnce = new LinkedHashMap<>();
        final Map<String, Seen> groupSet = new LinkedHashMap<>();
        final Set<String> variants = new LinkedHashSet<>();
        String onceKey;

        Observed(EventType type) {
            this.type = type;
        }
    }

    /** The whole page. */
    String markdown() {
        Map<String, Map<String, Observed>> byFact = new LinkedHashMap<>();
        for (FactFamily family : FactFamily.values()) {
            for (Class<? extends SpecificRecordBase> type : family.types()) {
                String name = type.getSimpleName();
                SpecificRecordBase fixture = fixtures.get(name);
                if (fixture == null) {
                    throw new IllegalStateException("no fixture of " + name + " in FactFixtures.oneOfEachType()");
                }
                Map<String, Observed> observed = observe(fixture);
                Map<String, Observed> declaredOrder = new LinkedHashMap<>();
                for (EventType declared : mapping.eventTypesOf(type)) {
                    if (observed.containsKey(declared.name())) {
                        declaredOrder.put(declared.name(), observed.get(declared.name()));
                    }
                }
                if (!declaredOrder.keySet().equals(observed.keySet())) {
                    throw new IllegalStateException(
                            name + " produced " + observed.keySet() + ", declared " + mapping.eventTypesOf(type));
                }
                byFact.put(name, declaredOrder);
            }
        }
        StringBuilder page = new StringBuilder();
        page.append(HEADER);
        events(page, byFact);
        facts(page, byFact);
        funnels(page);
        page.append(FOOTER);
        return page.toString();
    }

    private Map<String, Observed> observe(SpecificRecordBase fixture) {
        Map<String, Observed> events = new LinkedHashMap<>();
        for (Variant variant : variants(fixture)) {
            for (PostHogEvent event : mapping.map(variant.fact())) {
                Observed observed = events.computeIfAbsent(event.event(), name -> new Observed(event.type()));
                observed.variants.add(variant.kind());
                if (event.onceKey() != null) {
                    observed.onceKey = event.onceKey()
                            .replace(String.valueOf(Facts.userId(variant.fact())), "<user_id>")
                            .replace(String.valueOf(Facts.teamId(variant.fact())), "<team_id>");
                }
                JsonNode properties = read(event).path("properties");
                properties.fields().forEachRemaining(field -> {
                    if (!RULES.contains(field.getKey())) {
                        see(observed.properties, field.getKey(), field.getValue(), variant.kind());
                    }
                });
                properties
                        .path("$set")
                        .fields()
                        .forEachRemaining(f -> see(observed.set, f.getKey(), f.getValue(), variant.kind()));
                properties
                        .path("$set_once")
                        .fields()
                        .forEachRemaining(f -> see(observed.setOnce, f.getKey(), f.getValue(), variant.kind()));
                properties
                        .path("$group_set")
                        .fields()
                        .forEachRemaining(f -> see(observed.groupSet, f.getKey(), f.getValue(), variant.kind()));
            }
        }
        return events;
    }

    private static void see(Map<String, Seen> seen, String key, JsonNode value, String variant) {
        Seen entry = seen.computeIfAbsent(key, k -> new Seen());
        Object plain = value.isTextual() ? value.asText() : value.isBoolean() ? value.asBoolean() : value.numberValue();
        entry.byVariant.putIfAbsent(variant, plain);
        entry.types.add(
                value.isTextual() && TIMESTAMP.matcher(value.asText()).matches()
                        ? "timestamp"
                        : value.isTextual()
                                ? "string"
                                : value.isBoolean() ? "boolean" : value.isIntegralNumber() ? "integer" : "number");
    }

    /**
     * The fixture and a copy for every symbol of each enum field ({@code enum:<field>:<SYMBOL>}); and of each of these, a
     * copy with every field but the envelope changed or, when null, filled ({@code <kind>:changed}), listed first so
     * that keys are seen in the order a full fact yields them, and a copy with every nullable field but the envelope and
     * the enums empty ({@code <kind>:empty}).
     */
    private static List<Variant> variants(SpecificRecordBase fixture) {
        Schema schema = fixture.getSchema();
        List<Variant> bases = new ArrayList<>(List.of(new Variant("fixture", fixture)));
        for (Schema.Field field : schema.getFields()) {
            Schema enumSchema = nonNull(field.schema());
            if (enumSchema.getType() == Schema.Type.ENUM) {
                for (String symbol : enumSchema.getEnumSymbols()) {
                    SpecificRecordBase copy = copy(fixture);
                    copy.put(field.pos(), SpecificData.get().createEnum(symbol, enumSchema));
                    bases.add(new Variant("enum:" + field.name() + ":" + symbol, copy));
                }
            }
        }
        List<Variant> variants = new ArrayList<>();
        for (Variant base : bases) {
            SpecificRecordBase changed = copy(base.fact());
            SpecificRecordBase empty = copy(base.fact());
            for (Schema.Field field : schema.getFields()) {
                Schema type = nonNull(field.schema());
                if (ENVELOPE.contains(field.name()) || type.getType() == Schema.Type.ENUM) {
                    continue;
                }
                changed.put(field.pos(), changedValue(type, base.fact().get(field.pos())));
                if (field.schema().isNullable()) {
                    empty.put(field.pos(), null);
                }
            }
            variants.add(new Variant(base.kind() + ":changed", changed));
            variants.add(base);
            variants.add(new Variant(base.kind() + ":empty", empty));
        }
        return variants;
    }

    private static Object changedValue(Schema schema, Object value) {
        return switch (schema.getType()) {
            case STRING -> value == null ? "filled" : value + "-changed";
            case INT -> value == null ? 3 : (Integer) value + 7;
            case LONG -> value == null ? 3L : (Long) value + 7;
            case DOUBLE -> value == null ? 3.5 : (Double) value + 7;
            case BOOLEAN -> value == null || !(Boolean) value;
            case ENUM ->
                value == null
                        ? SpecificData.get().createEnum(schema.getEnumSymbols().get(0), schema)
                        : value;
            default -> value;
        };
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream()
                .filter(type -> type.getType() != Schema.Type.NULL)
                .findFirst()
                .orElse(schema);
    }

    private static SpecificRecordBase copy(SpecificRecordBase fact) {
        return SpecificData.get().deepCopy(fact.getSchema(), fact);
    }

    private static JsonNode read(PostHogEvent event) {
        try {
            return JSON.readTree(event.json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How a key reads in the plan: its type, values, or where its value comes from; and whether it may be absent. */
    private String describe(String factType, String key, Seen seen, Set<String> eventVariants) {
        SpecificRecordBase fixture = fixtures.get(factType);
        Set<String> values = new TreeSet<>();
        seen.byVariant.forEach((variant, value) -> {
            if (!variant.endsWith(":changed") && !variant.endsWith(":empty")) {
                values.add(String.valueOf(value));
            }
        });
        String what = null;
        for (Schema.Field field : fixture.getSchema().getFields()) {
            Schema enumSchema = nonNull(field.schema());
            if (enumSchema.getType() == Schema.Type.ENUM && seen.types.equals(Set.of("string"))) {
                List<String> symbols = enumSchema.getEnumSymbols().stream()
                        .map(symbol -> symbol.toLowerCase(Locale.ROOT))
                        .toList();
                if (new TreeSet<>(symbols).equals(values)) {
                    what = (symbols.size() == 1 ? "" : "one of ")
                            + symbols.stream().map(symbol -> "`" + symbol + "`").collect(Collectors.joining(", "));
                }
            }
        }
        if (what == null && unchangedWhenFieldsChange(seen)) {
            Object value = seen.byVariant.values().iterator().next();
            if (seen.types.equals(Set.of("timestamp"))) {
                what = "timestamp, = `occurred_at`";
            } else if (value.equals(Facts.teamId(fixture))) {
                what = "string, = `team_id`";
            } else {
                what = "always " + (value instanceof String text ? "`\"" + text + "\"`" : "`" + value + "`");
            }
        }
        if (what == null) {
            what = String.join(" or ", seen.types);
        }
        List<String> notes = new ArrayList<>();
        if (eventVariants.stream()
                .anyMatch(variant -> variant.endsWith(":empty")
                        && !seen.byVariant.containsKey(variant)
                        && seen.byVariant.containsKey(variant.substring(0, variant.length() - ":empty".length())))) {
            notes.add("left out when not set");
        }
        String when = onlyWhen(fixture, seen, eventVariants);
        if (when != null) {
            notes.add(when);
        }
        return "`" + key + "` (" + what + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)) + ")";
    }

    /** True when the key has the same value in every variant whose fields were all changed as in the one it came from. */
    private static boolean unchangedWhenFieldsChange(Seen seen) {
        boolean compared = false;
        for (Map.Entry<String, Object> entry : seen.byVariant.entrySet()) {
            if (entry.getKey().endsWith(":changed") || entry.getKey().endsWith(":empty")) {
                continue;
            }
            Object changed = seen.byVariant.get(entry.getKey() + ":changed");
            if (changed == null || !changed.equals(entry.getValue())) {
                return false;
            }
            compared = true;
        }
        return compared;
    }

    /** "only when `provider` is `github`" when the key is there for some symbols of an enum field only. */
    private static String onlyWhen(SpecificRecordBase fixture, Seen seen, Set<String> eventVariants) {
        for (Schema.Field field : fixture.getSchema().getFields()) {
            String prefix = "enum:" + field.name() + ":";
            List<String> symbols = new ArrayList<>();
            boolean partial = false;
            for (String variant : eventVariants) {
                if (variant.startsWith(prefix) && !variant.endsWith(":changed") && !variant.endsWith(":empty")) {
                    if (seen.byVariant.containsKey(variant)) {
                        symbols.add(variant.substring(prefix.length()).toLowerCase(Locale.ROOT));
                    } else {
                        partial = true;
                    }
                }
            }
            if (partial && !symbols.isEmpty()) {
                return "only when `" + field.name() + "` is "
                        + symbols.stream().map(symbol -> "`" + symbol + "`").collect(Collectors.joining(" or "));
            }
        }
        return null;
    }

    private void events(StringBuilder page, Map<String, Map<String, Observed>> byFact) {
        page.append("## Events\n\n");
        page.append(
                "Every PostHog event the consumer sends, by tier (`tracking.events.tiers`; an event of a tier that is off");
        page.append(
                " is not sent, its fact still counts as handled). Properties are those of the event itself; the rules\n");
        page.append("above add the rest.\n\n");
        page.append("| event | tier | from fact | properties |\n|---|---|---|---|\n");
        Map<String, List<String>> factsOf = new LinkedHashMap<>();
        Map<String, Set<String>> propertiesOf = new LinkedHashMap<>();
        Map<String, String> notesOf = new LinkedHashMap<>();
        byFact.forEach((fact, events) -> events.forEach((name, observed) -> {
            factsOf.computeIfAbsent(name, n -> new ArrayList<>()).add("`" + fact + "`");
            Set<String> properties = propertiesOf.computeIfAbsent(name, n -> new LinkedHashSet<>());
            observed.properties.forEach((key, seen) -> properties.add(describe(fact, key, seen, observed.variants)));
            if (observed.onceKey != null) {
                notesOf.put(name, "milestone: sent for the first fact of each `" + observed.onceKey + "` only");
            }
        }));
        List<EventType> ordered = new ArrayList<>(mapping.eventTypes().values());
        ordered.sort(Comparator.comparing((EventType type) ->
                        type.tier() == null ? 9 : type.tier().number())
                .thenComparing(EventType::name));
        for (EventType type : ordered) {
            String name = type.name();
            if (!factsOf.containsKey(name)) {
                throw new IllegalStateException(name + " is declared but no fact type produced it");
            }
            List<String> cells = new ArrayList<>(propertiesOf.get(name));
            if (notesOf.containsKey(name)) {
                cells.add(notesOf.get(name));
            }
            page.append("| `")
                    .append(name)
                    .append("` | ")
                    .append(
                            type.tier() == null
                                    ? "not tiered"
                                    : type.tier().number() + " " + type.tier().label())
                    .append(" | ")
                    .append(String.join(", ", factsOf.get(name)))
                    .append(" | ")
                    .append(String.join("; ", cells))
                    .append(" |\n");
        }
        page.append("\n");
    }

    private void facts(StringBuilder page, Map<String, Map<String, Observed>> byFact) {
        page.append("## Facts, and the person and group properties they set\n\n");
        page.append("| fact | topic | events | person properties | `team` group properties (`$groupidentify`) |\n");
        page.append("|---|---|---|---|---|\n");
        byFact.forEach((fact, events) -> {
            List<String> person = new ArrayList<>();
            List<String> group = new ArrayList<>();
            events.values().forEach(observed -> {
                observed.setOnce.forEach(
                        (key, seen) -> person.add("`$set_once` " + describe(fact, key, seen, observed.variants)));
                observed.set.forEach(
                        (key, seen) -> person.add("`$set` " + describe(fact, key, seen, observed.variants)));
                observed.groupSet.forEach((key, seen) -> group.add(describe(fact, key, seen, observed.variants)));
            });
            FactFamily family = FactFamily.of(FactFamily.typeNamed(fact).orElseThrow());
            page.append("| `")
                    .append(fact)
                    .append("` | `")
                    .append(family.defaultTopic())
                    .append("` | ")
                    .append(events.keySet().stream()
                            .map(name -> "`" + name + "`")
                            .collect(Collectors.joining(", ")))
                    .append(" | ")
                    .append(String.join("; ", person))
                    .append(" | ")
                    .append(String.join("; ", group))
                    .append(" |\n");
        });
        page.append("\n");
    }

    private void funnels(StringBuilder page) {
        page.append("## The product's funnels and cohorts\n\n");
        page.append(
                "Declared in [`posthog/project.yaml`](../posthog/project.yaml) (applied to PostHog with `make posthog-apply`);\n");
        page.append(
                "each says which tiers its events need: with a tier switched off, its steps never happen in PostHog.\n\n");
        for (ProjectDeclaration.Insight insight : project.insights()) {
            ProjectDeclaration.Funnel funnel = insight.funnel();
            if (funnel == null) {
                continue;
            }
            page.append("### ")
                    .append(insight.name())
                    .append(" (`")
                    .append(insight.id())
                    .append("`)\n\n");
            if (insight.description() != null) {
                page.append(insight.description().strip()).append("\n\n");
            }
            Set<Integer> tiers = new TreeSet<>();
            for (int i = 0; i < funnel.steps().size(); i++) {
                ProjectDeclaration.Step step = funnel.steps().get(i);
                page.append(i + 1).append(". ").append(step(step, tiers)).append("\n");
            }
            page.append("\nConversion window: ")
                    .append(funnel.conversionWindowDays() == null ? 14 : funnel.conversionWindowDays())
                    .append(" days")
                    .append(funnel.conversionWindowDays() == null ? " (PostHog's default)" : "")
                    .append(". Needs tiers: ")
                    .append(tiers.stream().map(String::valueOf).collect(Collectors.joining(", ")))
                    .append(".");
            if (funnel.target() != null) {
                ProjectDeclaration.Step reached =
                        funnel.steps().get(funnel.target().step() - 1);
                page.append(" Target: ")
                        .append(funnel.target().percent())
                        .append(" % of those who enter reach step ")
                        .append(funnel.target().step())
                        .append(" (`")
                        .append(reached.event())
                        .append("`).");
            }
            page.append("\n\n");
        }
        for (ProjectDeclaration.Cohort cohort : project.cohorts()) {
            page.append("### ")
                    .append(cohort.name())
                    .append(" (cohort `")
                    .append(cohort.id())
                    .append("`)\n\n");
            if (cohort.description() != null) {
                page.append(cohort.description().strip()).append("\n\n");
            }
            Set<Integer> tiers = new TreeSet<>();
            page.append("Any of:\n\n");
            for (ProjectDeclaration.Behaviour behaviour : cohort.anyOf()) {
                page.append("- ")
                        .append(step(new ProjectDeclaration.Step(behaviour.event(), Map.of()), tiers))
                        .append(" at least ")
                        .append(behaviour.atLeast() == null ? 1 : behaviour.atLeast())
                        .append(behaviour.atLeast() != null && behaviour.atLeast() > 1 ? " times" : " time")
                        .append(" in the last ")
                        .append(behaviour.withinDays())
                        .append(" days\n");
            }
            page.append("\nNeeds tiers: ")
                    .append(tiers.stream().map(String::valueOf).collect(Collectors.joining(", ")))
                    .append(".\n\n");
        }
    }

    private String step(ProjectDeclaration.Step step, Set<Integer> tiers) {
        EventType type = mapping.eventTypes().get(step.event());
        if (type == null) {
            throw new IllegalStateException(
                    "posthog/project.yaml names " + step.event() + ", which no mapping produces");
        }
        if (type.tier() != null) {
            tiers.add(type.tier().number());
        }
        String where = step.where().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> "`" + e.getKey() + "` = `" + e.getValue() + "`")
                .collect(Collectors.joining(", "));
        return "`" + step.event() + "`" + (where.isEmpty() ? "" : " where " + where) + " (tier "
                + (type.tier() == null ? "none" : type.tier().number()) + ")";
    }

    private static final String HEADER = """
            # Tracking plan

            <!-- Generated from the consumer's mapping code and posthog/project.yaml: do not edit by hand.
                 Regenerate with `make tracking-plan`; TrackingPlanTest fails while this page and the code differ. -->

            What analysts find in PostHog, and which fact produces it. The consumer's golden tests
            (`services/tracking-consumer/src/test/resources/golden/*.json`) hold the exact JSON of every event of one fact of
            each type.

            ## Rules every event follows

            | rule | |
            |---|---|
            | `distinct_id` | the fact's `user_id`; for a fact without one (team-level facts of billing and team profile) it is `team:<team_id>` and the event carries `$process_person_profile: false` (personless: no person is created). Every `$groupidentify` is sent as `$team_<team_id>` and personless, whoever acted: the distinct id PostHog's SDKs use for group updates (`$<group type>_<group key>`), so all updates of a team travel under one id, the same as updates sent by an SDK |
            | `$groups` | `{"team": "<team_id>"}` on every event of a fact with a team (every fact except a signup before the user joined a team) |
            | `timestamp` | the fact's `occurred_at` (ISO-8601, UTC, milliseconds) — never the time of sending |
            | `uuid` | name-based UUID (v5) of the fact's `event_id` and the event name: a re-delivered fact repeats its events exactly, so PostHog merges them. A `$groupidentify` sent without some of its properties (see below) has the uuid of the `event_id`, the event name and the properties it keeps: one uuid never carries two different bodies |
            | enum values | lower-case (`github`, `reviewer`, `csv`) |
            | null values | left out (a null in `$set` would erase a known value) |
            | `source` | the producing service, when the fact names one |
            | `$lib` | `tracking-consumer` |
            | tiers | 1 core funnel, 2 engagement, 3 growth (`tracking.events.tiers`, README "Event tiers and volume"); profile updates (`$identify`, `$groupidentify`) and `$feature_flag_called` (PostHog's flag exposure, which flag analytics and experiments read) are not tiered and always sent |

            The team group (`$group_type: team`, key = team slug) is updated with `$groupidentify` events. A property older
            (by `occurred_at`) than the value PostHog last accepted for the same team property is left out, so a late fact
            never overwrites a newer value: the update is sent whole when none of its properties is older, left out when all
            are, and otherwise sent with the newer ones only (under its own uuid). An update PostHog refused does not count as
            applied. Person properties follow the same idea without a clock: the signup sets `email` and `name` with
            `$set_once`, so a `UserProfileUpdated` (another topic, possibly delivered first) keeps its newer values.

            """;

    private static final String FOOTER = """
            ## PostHog objects built on these events

            The funnels and the cohort above, the product dashboard, the feature flags and the surveys are declared in
            [`posthog/project.yaml`](../posthog/project.yaml) and applied with `make posthog-apply` (README, "PostHog project as
            code"); a test fails the build when that file names an event or property that is not in this plan. Feature flags are
            released per `team` group; every first check of a flag by a user (or a team) and answer a day arrives as
            `$feature_flag_called` through this pipeline (fact `FeatureFlagCalled`).
            """;
}
