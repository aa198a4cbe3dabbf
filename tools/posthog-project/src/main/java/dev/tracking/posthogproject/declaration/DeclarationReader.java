package dev.tracking.posthogproject.declaration;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and validates {@code posthog/project.yaml}. Every problem is reported at once, each naming the file, the
 * object and field, the bad value and what would be valid ({@code posthog/project.yaml: insights[activation-funnel]
 * .funnel.conversion_window_days: 0 is not valid: 1 to 365 days}).
 */
public final class DeclarationReader {
    /** Ids and flag keys: what PostHog accepts as a flag key, so one rule serves both. */
    public static final Pattern ID = Pattern.compile("^[a-zA-Z0-9_-]+$");

    static final Set<String> FUNNEL_ORDERS = Set.of("ordered", "unordered", "strict");
    static final Set<String> TREND_INTERVALS = Set.of("hour", "day", "week", "month");
    static final Set<String> SURVEY_TYPES = Set.of("popover", "widget", "api");
    static final Set<String> QUESTION_TYPES = Set.of("rating", "single_choice", "multiple_choice", "open");
    static final Set<Integer> RATING_SCALES = Set.of(2, 3, 5, 7, 10);
    static final Set<String> RATING_DISPLAYS = Set.of("number", "emoji");
    private static final Pattern DATE_FROM = Pattern.compile("^-\\d+[hdwmy]$");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private DeclarationReader() {}

    /** Reads and validates {@code file}. */
    public static ProjectDeclaration read(Path file) throws DeclarationException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new DeclarationException(List.of(file + ": no such file (the declaration is posthog/project.yaml at"
                    + " the repository root; --file names another)"));
        } catch (IOException e) {
            throw new DeclarationException(List.of(file + ": cannot be read: " + e.getMessage()));
        }
        return parse(file.toString(), text);
    }

    /** Parses and validates {@code yaml}; {@code name} names it in messages. */
    public static ProjectDeclaration parse(String name, String yaml) throws DeclarationException {
        ProjectDeclaration declaration;
        try {
            declaration = YAML.readValue(yaml, ProjectDeclaration.class);
        } catch (UnrecognizedPropertyException e) {
            Set<String> known = e.getKnownPropertyIds().stream()
                    .map(Object::toString)
                    .collect(Collectors.toCollection(TreeSet::new));
            throw new DeclarationException(List.of(where(name, yaml, e.getPropertyName(), e.getLocation())
                    + "unknown key '" + e.getPropertyName()
                    + "' in " + section(e) + "; valid keys: " + String.join(", ", known)));
        } catch (InvalidFormatException e) {
            throw new DeclarationException(List.of(where(name, yaml, lastKey(e), e.getLocation()) + path(e) + ": '"
                    + e.getValue()
                    + "' is not a valid " + e.getTargetType().getSimpleName().toLowerCase() + ""));
        } catch (MismatchedInputException e) {
            throw new DeclarationException(List.of(
                    where(name, e.getLocation()) + path(e) + ": expected " + describe(e.getTargetType()) + " here"));
        } catch (JsonProcessingException e) {
            throw new DeclarationException(
                    List.of(where(name, e.getLocation()) + "not valid YAML: " + e.getOriginalMessage()));
        }
        if (declaration == null) {
            throw new DeclarationException(List.of(name + ": empty; declare at least one of insights, cohorts,"
                    + " dashboards, feature_flags, surveys"));
        }
        List<String> problems = new ArrayList<>();
        new Validator(name, problems).validate(declaration);
        if (!problems.isEmpty()) {
            throw new DeclarationException(problems);
        }
        return declaration;
    }

    /**
     * {@code file:line: } of {@code key}'s first occurrence as a key (Jackson reports where a record ends, not where
     * the key is), else of the parser's location.
     */
    private static String where(String name, String yaml, String key, JsonLocation location) {
        if (key != null) {
            Pattern asKey = Pattern.compile("^[\\s-]*\"?" + Pattern.quote(key) + "\"?\\s*:", Pattern.MULTILINE);
            java.util.regex.Matcher found = asKey.matcher(yaml);
            if (found.find()) {
                return name + ":" + (yaml.substring(0, found.start()).split("\n", -1).length) + ": ";
            }
        }
        return where(name, location);
    }

    private static String lastKey(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        for (int i = path.size() - 1; i >= 0; i--) {
            if (path.get(i).getFieldName() != null) {
                return path.get(i).getFieldName();
            }
        }
        return null;
    }

    private static String where(String name, JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return name + ": ";
        }
        return name + ":" + location.getLineNr() + ": ";
    }

    private static String section(JsonMappingException e) {
        String path = path(e);
        return path.isEmpty() ? "the top level" : path;
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        if (e instanceof UnrecognizedPropertyException && path.lastIndexOf(".") >= 0) {
            return path.substring(0, path.lastIndexOf("."));
        }
        if (e instanceof UnrecognizedPropertyException) {
            return "";
        }
        return path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == String.class) {
            return "a text";
        }
        if (type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "a mapping (" + type.getSimpleName() + ")";
    }

    /** Checks what the types cannot: required fields, ranges, choices, unique ids and references. */
    private static final class Validator {
        private final String file;
        private final List<String> problems;

        Validator(String file, List<String> problems) {
            this.file = file;
            this.problems = problems;
        }

        void validate(ProjectDeclaration d) {
            Set<String> insightIds = new HashSet<>();
            for (int i = 0; i < d.insights().size(); i++) {
                Insight insight = d.insights().get(i);
                String at = "insights[" + label(insight == null ? null : insight.id(), i) + "]";
                if (insight == null) {
                    problem(at, "empty entry");
                    continue;
                }
                id(at, insight.id(), insightIds);
                required(at + ".name", insight.name());
                if ((insight.funnel() == null) == (insight.trend() == null)) {
                    problem(at, "declare exactly one of funnel and trend");
                }
                if (insight.funnel() != null) {
                    funnel(at + ".funnel", insight.funnel());
                }
                if (insight.trend() != null) {
                    trend(at + ".trend", insight.trend());
                }
            }
            Set<String> cohortIds = new HashSet<>();
            for (int i = 0; i < d.cohorts().size(); i++) {
                Cohort cohort = d.cohorts().get(i);
                String at = "cohorts[" + label(cohort == null ? null : cohort.id(), i) + "]";
                if (cohort == null) {
                    problem(at, "empty entry");
                    continue;
                }
                id(at, cohort.id(), cohortIds);
                required(at + ".name", cohort.name());
                if (cohort.anyOf() == null || cohort.anyOf().isEmpty()) {
                    problem(at + ".any_of", "missing: list at least one behaviour (event, at_least, within_days)");
                } else {
                    for (int b = 0; b < cohort.anyOf().size(); b++) {
                        behaviour(at + ".any_of[" + b + "]", cohort.anyOf().get(b));
                    }
                }
            }
            Set<String> dashboardIds = new HashSet<>();
            for (int i = 0; i < d.dashboards().size(); i++) {
                Dashboard dashboard = d.dashboards().get(i);
                String at = "dashboards[" + label(dashboard == null ? null : dashboard.id(), i) + "]";
                if (dashboard == null) {
                    problem(at, "empty entry");
                    continue;
                }
                id(at, dashboard.id(), dashboardIds);
                required(at + ".name", dashboard.name());
                if (dashboard.insights() != null) {
                    for (String insightId : dashboard.insights()) {
                        if (!insightIds.contains(insightId)) {
                            problem(
                                    at + ".insights",
                                    "'" + insightId + "' is not a declared insight; declared: "
                                            + new TreeSet<>(insightIds));
                        }
                    }
                }
            }
            Set<String> flagKeys = new HashSet<>();
            for (int i = 0; i < d.featureFlags().size(); i++) {
                FeatureFlag flag = d.featureFlags().get(i);
                String at = "feature_flags[" + label(flag == null ? null : flag.key(), i) + "]";
                if (flag == null) {
                    problem(at, "empty entry");
                    continue;
                }
                if (flag.key() == null || !ID.matcher(flag.key()).matches()) {
                    problem(at + ".key", value(flag.key()) + " is not a valid flag key: letters, digits, - and _");
                } else if (!flagKeys.add(flag.key())) {
                    problem(at + ".key", "'" + flag.key() + "' is declared twice");
                }
                required(at + ".name", flag.name());
                if (flag.groupType() != null && flag.groupType().isBlank()) {
                    problem(at + ".group_type", "blank: name a group type (team) or leave it out for a person flag");
                }
                if (flag.rolloutPercentage() == null
                        || flag.rolloutPercentage() < 0
                        || flag.rolloutPercentage() > 100) {
                    problem(at + ".rollout_percentage", value(flag.rolloutPercentage()) + " is not valid: 0 to 100");
                }
            }
            Set<String> surveyIds = new HashSet<>();
            for (int i = 0; i < d.surveys().size(); i++) {
                Survey survey = d.surveys().get(i);
                String at = "surveys[" + label(survey == null ? null : survey.id(), i) + "]";
                if (survey == null) {
                    problem(at, "empty entry");
                    continue;
                }
                id(at, survey.id(), surveyIds);
                required(at + ".name", survey.name());
                choice(at + ".type", survey.type(), SURVEY_TYPES, true);
                if (survey.questions() == null || survey.questions().isEmpty()) {
                    problem(at + ".questions", "missing: a survey asks at least one question");
                } else {
                    for (int q = 0; q < survey.questions().size(); q++) {
                        question(
                                at + ".questions[" + q + "]", survey.questions().get(q));
                    }
                }
            }
        }

        private void funnel(String at, Funnel funnel) {
            if (funnel.steps() == null || funnel.steps().size() < 2) {
                problem(
                        at + ".steps",
                        "a funnel needs at least 2 steps, got "
                                + (funnel.steps() == null ? 0 : funnel.steps().size()));
            } else {
                steps(at + ".steps", funnel.steps());
            }
            if (funnel.conversionWindowDays() != null
                    && (funnel.conversionWindowDays() < 1 || funnel.conversionWindowDays() > 365)) {
                problem(at + ".conversion_window_days", funnel.conversionWindowDays() + " is not valid: 1 to 365 days");
            }
            choice(at + ".order", funnel.order(), FUNNEL_ORDERS, true);
            if (funnel.target() != null) {
                Integer percent = funnel.target().percent();
                if (percent == null || percent < 1 || percent > 100) {
                    problem(at + ".target.percent", value(percent) + " is not valid: 1 to 100");
                }
                Integer step = funnel.target().step();
                int steps = funnel.steps() == null ? 0 : funnel.steps().size();
                if (step == null || step < 2 || step > steps) {
                    problem(at + ".target.step", value(step) + " is not valid: a step number from 2 to " + steps);
                }
            }
        }

        private void trend(String at, Trend trend) {
            if (trend.series() == null || trend.series().isEmpty()) {
                problem(at + ".series", "missing: a trend needs at least one event");
            } else {
                steps(at + ".series", trend.series());
            }
            choice(at + ".interval", trend.interval(), TREND_INTERVALS, false);
            if (trend.dateFrom() != null && !DATE_FROM.matcher(trend.dateFrom()).matches()) {
                problem(
                        at + ".date_from",
                        value(trend.dateFrom()) + " is not valid: a relative date such as -90d," + " -12w, -6m");
            }
        }

        private void steps(String at, List<Step> steps) {
            for (int s = 0; s < steps.size(); s++) {
                Step step = steps.get(s);
                if (step == null || step.event() == null || step.event().isBlank()) {
                    problem(at + "[" + s + "].event", "missing: name the event");
                }
            }
        }

        private void behaviour(String at, Behaviour behaviour) {
            if (behaviour == null
                    || behaviour.event() == null
                    || behaviour.event().isBlank()) {
                problem(at + ".event", "missing: name the event");
                return;
            }
            if (behaviour.atLeast() == null || behaviour.atLeast() < 1) {
                problem(at + ".at_least", value(behaviour.atLeast()) + " is not valid: 1 or more times");
            }
            if (behaviour.withinDays() == null || behaviour.withinDays() < 1 || behaviour.withinDays() > 365) {
                problem(at + ".within_days", value(behaviour.withinDays()) + " is not valid: 1 to 365 days");
            }
        }

        private void question(String at, Question question) {
            if (question == null) {
                problem(at, "empty entry");
                return;
            }
            choice(at + ".type", question.type(), QUESTION_TYPES, false);
            required(at + ".question", question.question());
            String type = question.type() == null ? "" : question.type();
            if (type.equals("rating")) {
                if (question.scale() == null || !RATING_SCALES.contains(question.scale())) {
                    problem(
                            at + ".scale",
                            value(question.scale()) + " is not valid: one of " + new TreeSet<>(RATING_SCALES)
                                    + " (10 is 0 to 10)");
                }
                choice(at + ".display", question.display(), RATING_DISPLAYS, true);
            } else if (question.scale() != null || question.display() != null) {
                problem(at, "scale and display belong to rating questions, not " + type);
            }
            if (type.endsWith("_choice")) {
                if (question.choices() == null || question.choices().isEmpty()) {
                    problem(at + ".choices", "missing: list the answers");
                } else if (question.choices().stream().anyMatch(c -> c == null || c.isBlank())) {
                    problem(at + ".choices", "a choice is blank");
                }
            } else if (question.choices() != null || question.openChoice() != null) {
                problem(
                        at,
                        "choices and open_choice belong to single_choice and multiple_choice questions, not " + type);
            }
        }

        private void id(String at, String id, Set<String> seen) {
            if (id == null || !ID.matcher(id).matches()) {
                problem(at + ".id", value(id) + " is not a valid id: letters, digits, - and _");
            } else if (!seen.add(id)) {
                problem(at + ".id", "'" + id + "' is declared twice");
            }
        }

        private void required(String at, String text) {
            if (text == null || text.isBlank()) {
                problem(at, "missing");
            }
        }

        private void choice(String at, String value, Set<String> valid, boolean optional) {
            if (value == null && optional) {
                return;
            }
            if (value == null || !valid.contains(value)) {
                problem(at, value(value) + " is not valid: one of " + new TreeSet<>(valid));
            }
        }

        private void problem(String at, String message) {
            problems.add(file + ": " + at + ": " + message);
        }

        private static String label(String id, int index) {
            return id == null ? Integer.toString(index) : id;
        }

        private static String value(Object value) {
            return value == null ? "missing" : "'" + value + "'";
        }
    }
}
