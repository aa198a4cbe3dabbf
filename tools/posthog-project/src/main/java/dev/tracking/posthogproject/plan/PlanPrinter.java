package dev.tracking.posthogproject.plan;

import dev.tracking.posthogproject.plan.Change.Action;
import dev.tracking.posthogproject.plan.JsonDiff.FieldDiff;
import java.io.PrintStream;
import java.util.Map;

/** Prints a {@link Plan} for people: one line per object, the field diffs of updates, a summary line. */
public final class PlanPrinter {
    private PlanPrinter() {}

    public static void print(Plan plan, PrintStream out) {
        for (Map.Entry<String, Integer> type : plan.groupTypes().entrySet()) {
            out.println("group type '" + type.getKey() + "': index " + type.getValue());
        }
        for (String missing : plan.missingGroupTypes()) {
            out.println("group type '" + missing + "': MISSING. PostHog creates a group type with the first event that"
                    + " carries it");
            out.println("  (a $groupidentify of a " + missing + "); it cannot be created through the API. Once the"
                    + " tracking consumer has");
            out.println("  delivered one, run again; apply creates nothing until then.");
        }
        for (String conflict : plan.conflicts()) {
            out.println("CONFLICT: " + conflict);
        }
        out.println();
        int width =
                plan.changes().stream().mapToInt(c -> what(c).length()).max().orElse(0);
        for (Change change : plan.changes()) {
            out.println(line(change, width));
            for (FieldDiff diff : change.diffs()) {
                out.println("      " + diff.path() + ": " + diff.before() + " -> " + diff.after());
            }
        }
        out.println();
        out.println("Plan: " + plan.count(Action.CREATE) + " to create, " + plan.count(Action.UPDATE) + " to update, "
                + plan.count(Action.DELETE) + " to delete, " + plan.count(Action.UNCHANGED) + " unchanged"
                + (plan.count(Action.KEEP) > 0 ? ", " + plan.count(Action.KEEP) + " no longer declared (kept)" : "")
                + (plan.count(Action.BLOCKED) > 0 ? ", " + plan.count(Action.BLOCKED) + " blocked" : "") + ".");
    }

    private static String what(Change change) {
        return String.format("%-13s %s", change.type().label(), change.id())
                + (change.remoteId() == null ? "" : " (id " + change.remoteId() + ")");
    }

    private static String line(Change change, int width) {
        String symbol = switch (change.action()) {
            case CREATE -> "+ create   ";
            case UPDATE -> "~ update   ";
            case UNCHANGED -> "= unchanged";
            case DELETE -> "- delete   ";
            case KEEP -> "? kept     ";
            case BLOCKED -> "! blocked  ";
        };
        String extra = change.note() != null ? ": " + change.note() : change.launch() ? " (launched)" : "";
        return symbol + " " + String.format("%-" + width + "s", what(change)) + "  " + change.name() + extra;
    }
}
