package dev.tracking.posthogproject.declaration;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The PostHog project as declared in {@code posthog/project.yaml}: insights (funnels and trends), cohorts,
 * dashboards, feature flags and surveys. Read with {@link DeclarationReader}, which validates it; keys in the file are
 * the snake_case forms of the component names ({@code feature_flags}, {@code conversion_window_days}).
 *
 * <p>Ids (and flag keys) are how the tool finds an object again on every run: keep them stable.
 */
public record ProjectDeclaration(
        List<Insight> insights,
        List<Cohort> cohorts,
        List<Dashboard> dashboards,
        List<FeatureFlag> featureFlags,
        List<Survey> surveys) {

    public ProjectDeclaration {
        insights = List.copyOf(Objects.requireNonNullElse(insights, List.of()));
        cohorts = List.copyOf(Objects.requireNonNullElse(cohorts, List.of()));
        dashboards = List.copyOf(Objects.requireNonNullElse(dashboards, List.of()));
        featureFlags = List.copyOf(Objects.requireNonNullElse(featureFlags, List.of()));
        surveys = List.copyOf(Objects.requireNonNullElse(surveys, List.of()));
    }

    /** A saved insight: exactly one of {@code funnel} and {@code trend}. */
    public record Insight(String id, String name, String description, Funnel funnel, Trend trend) {}

    /**
     * A funnel over event steps; {@code conversionWindowDays} and {@code order} (ordered, unordered, strict) are left
     * to PostHog's defaults (14 days, ordered) when not declared. {@code target}, when declared, is the product's goal
     * for it: it is documented in the tracking plan, not sent to PostHog (a saved insight has no goal).
     */
    public record Funnel(Integer conversionWindowDays, String order, List<Step> steps, Target target) {}

    /** The product's goal for a funnel: {@code percent} % of those who enter reach step number {@code step} (from 1). */
    public record Target(Integer percent, Integer step) {}

    /** A trend of event counts per {@code interval} (hour, day, week, month) since {@code dateFrom} (e.g. -90d). */
    public record Trend(String interval, String dateFrom, List<Step> series) {}

    /** An event, optionally filtered on event properties ({@code where: {step: github}}: exact match). */
    public record Step(String event, Map<String, String> where) {
        public Step {
            where = where == null ? Map.of() : Map.copyOf(where);
        }
    }

    /** A dynamic cohort of persons who did any one of the behaviours. */
    public record Cohort(String id, String name, String description, List<Behaviour> anyOf) {}

    /** Performed {@code event} at least {@code atLeast} times in the last {@code withinDays} days. */
    public record Behaviour(String event, Integer atLeast, Integer withinDays) {}

    /** A dashboard holding the declared insights (by insight id). */
    public record Dashboard(String id, String name, String description, List<String> insights) {}

    /**
     * A boolean feature flag released to {@code rolloutPercentage} % of the groups of {@code groupType} (of persons
     * when no group type is declared); {@code active} defaults to true.
     */
    public record FeatureFlag(String key, String name, String groupType, Integer rolloutPercentage, Boolean active) {}

    /**
     * A survey; {@code type} popover (default), widget or api; shown on pages whose URL contains {@code showOn};
     * created as a draft unless {@code launched}.
     */
    public record Survey(
            String id,
            String name,
            String description,
            String type,
            Boolean launched,
            String showOn,
            List<Question> questions) {}

    /**
     * A question: {@code rating} ({@code scale} 2, 3, 5, 7 or 10 — 10 is 0–10 —, {@code display} number or emoji,
     * optional labels), {@code single_choice} or {@code multiple_choice} ({@code choices}, and an {@code openChoice}
     * answered in free text, listed last), or {@code open}.
     */
    public record Question(
            String type,
            String question,
            Integer scale,
            String display,
            String lowerLabel,
            String upperLabel,
            List<String> choices,
            String openChoice) {}
}
