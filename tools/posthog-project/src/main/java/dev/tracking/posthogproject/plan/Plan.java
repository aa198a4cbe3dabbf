package dev.tracking.posthogproject.plan;

import dev.tracking.posthogproject.plan.Change.Action;
import java.util.List;
import java.util.Map;

/**
 * What applying the declaration to a project would do.
 *
 * @param groupTypes group types the flags name that exist, with their index
 * @param missingGroupTypes group types the flags name that the project does not have yet: apply stops, creating
 *     nothing
 * @param changes one per declared object and per managed object no longer declared, in the order apply runs them
 *     (creates and updates by {@link dev.tracking.posthogproject.api.ObjectType} order, then deletes)
 * @param conflicts markers carried by more than one object: apply refuses to guess which is managed
 */
public record Plan(
        Map<String, Integer> groupTypes, List<String> missingGroupTypes, List<Change> changes, List<String> conflicts) {

    public Plan {
        groupTypes = Map.copyOf(groupTypes);
        missingGroupTypes = List.copyOf(missingGroupTypes);
        changes = List.copyOf(changes);
        conflicts = List.copyOf(conflicts);
    }

    /** How many changes have this action. */
    public long count(Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }

    /** Whether apply would write anything. */
    public boolean hasChanges() {
        return changes.stream()
                .anyMatch(
                        c -> c.action() == Action.CREATE || c.action() == Action.UPDATE || c.action() == Action.DELETE);
    }

    /** Whether apply may run: every group type exists and no marker is ambiguous. */
    public boolean ready() {
        return missingGroupTypes.isEmpty() && conflicts.isEmpty();
    }
}
