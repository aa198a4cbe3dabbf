package dev.tracking.testkit.posthogapi;

import java.util.Arrays;
import java.util.Optional;

/**
 * The objects a {@link FakePostHogApi} keeps, with their REST collection, the personal API key scope that guards them
 * and how PostHog deletes them.
 *
 * <p>Feature flags, cohorts, insights and dashboards refuse {@code DELETE} (405) and are soft-deleted with
 * {@code PATCH {"deleted": true}}; surveys are deleted for real by {@code DELETE} (204).
 */
public enum ApiResource {
    FEATURE_FLAGS("feature_flags", "feature_flag", false),
    COHORTS("cohorts", "cohort", false),
    INSIGHTS("insights", "insight", false),
    DASHBOARDS("dashboards", "dashboard", false),
    SURVEYS("surveys", "survey", true);

    private final String collection;
    private final String scope;
    private final boolean hardDelete;

    ApiResource(String collection, String scope, boolean hardDelete) {
        this.collection = collection;
        this.scope = scope;
        this.hardDelete = hardDelete;
    }

    /** Path segment of the collection: {@code /api/projects/{id}/<collection>/}. */
    public String collection() {
        return collection;
    }

    /** Scope object of a personal API key: {@code <scope>:read} for GET, {@code <scope>:write} otherwise. */
    public String scope() {
        return scope;
    }

    /** Whether {@code DELETE} removes the object (surveys) rather than being refused with 405. */
    public boolean hardDelete() {
        return hardDelete;
    }

    /** Whether PostHog serves it under {@code /api/environments/{id}/} as well as {@code /api/projects/{id}/}. */
    public boolean servedUnderEnvironments() {
        return this == INSIGHTS || this == DASHBOARDS;
    }

    static Optional<ApiResource> byCollection(String collection) {
        return Arrays.stream(values())
                .filter(r -> r.collection.equals(collection))
                .findFirst();
    }
}
