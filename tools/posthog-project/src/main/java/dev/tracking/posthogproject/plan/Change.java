package dev.tracking.posthogproject.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracking.posthogproject.api.ObjectType;
import dev.tracking.posthogproject.plan.JsonDiff.FieldDiff;
import java.util.List;

/**
 * What a plan does to one object.
 *
 * @param action what happens to it
 * @param type its kind
 * @param id declared id (a flag's key); for an undeclared object the id its marker names
 * @param name its name, for people
 * @param remoteId PostHog's id, {@code null} for an object to create
 * @param body for {@link Action#CREATE} the whole declared body, for {@link Action#UPDATE} only the declared fields
 *     that differ; otherwise {@code null}
 * @param dashboards for an insight to create or whose dashboards change: where it goes; otherwise {@code null}
 * @param launch whether a survey gets {@code start_date} = the time of apply (declared launched, still a draft)
 * @param diffs field by field, what changes (for {@link Action#UPDATE}) or nothing
 * @param note why, for {@link Action#KEEP} and {@link Action#BLOCKED}
 */
public record Change(
        Action action,
        ObjectType type,
        String id,
        String name,
        String remoteId,
        ObjectNode body,
        DashboardLinks dashboards,
        boolean launch,
        List<FieldDiff> diffs,
        String note) {

    /** What happens to an object. */
    public enum Action {
        CREATE,
        UPDATE,
        UNCHANGED,
        /** Managed, no longer declared, and {@code --prune} given. */
        DELETE,
        /** Managed, no longer declared, kept because {@code --prune} was not given. */
        KEEP,
        /** Cannot be created or updated yet (its group type is missing). */
        BLOCKED
    }

    /**
     * Dashboards of an insight: the declared ones (by declared id; created ones are resolved during apply) and those
     * not managed here that it already sits on (kept: an analyst put it there).
     */
    public record DashboardLinks(List<String> declared, List<Long> kept) {}

    public Change {
        diffs = List.copyOf(diffs);
    }

    /** How a person names it: {@code insight 'activation-funnel' (id 17)}. */
    public String describe() {
        return type.label() + " '" + id + "'" + (remoteId == null ? "" : " (id " + remoteId + ")");
    }
}
