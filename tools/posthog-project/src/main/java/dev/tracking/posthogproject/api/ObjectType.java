package dev.tracking.posthogproject.api;

/**
 * The kinds of PostHog object the tool manages, in the order they are created (a dashboard before the insights on
 * it), with their REST collection, the scope a personal API key needs to change them, and how PostHog deletes them.
 */
public enum ObjectType {
    COHORT("cohort", "projects", "cohorts", "cohort", false),
    DASHBOARD("dashboard", "environments", "dashboards", "dashboard", false),
    INSIGHT("insight", "environments", "insights", "insight", false),
    FEATURE_FLAG("feature flag", "projects", "feature_flags", "feature_flag", false),
    SURVEY("survey", "projects", "surveys", "survey", true);

    private final String label;
    private final String root;
    private final String collection;
    private final String scope;
    private final boolean hardDelete;

    ObjectType(String label, String root, String collection, String scope, boolean hardDelete) {
        this.label = label;
        this.root = root;
        this.collection = collection;
        this.scope = scope;
        this.hardDelete = hardDelete;
    }

    /** How messages name it: {@code feature flag}. */
    public String label() {
        return label;
    }

    /** Path of its collection in a project: {@code /api/environments/42/insights/}. */
    public String collectionPath(long projectId) {
        return "/api/" + root + "/" + projectId + "/" + collection + "/";
    }

    /** Scope object of a personal API key ({@code insight} for {@code insight:write}). */
    public String scope() {
        return scope;
    }

    /**
     * Whether PostHog deletes it with {@code DELETE} (surveys); the others refuse {@code DELETE} and are soft-deleted
     * with {@code PATCH {"deleted": true}}.
     */
    public boolean hardDelete() {
        return hardDelete;
    }
}
