package dev.tracking.posthogproject.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracking.posthogproject.api.ObjectType;
import dev.tracking.posthogproject.api.PostHogApiClient;
import dev.tracking.posthogproject.api.PostHogApiException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a {@link Plan} against PostHog, change by change in plan order, printing one line per write. A plan that is not
 * {@link Plan#ready() ready} (a missing group type, an ambiguous marker) is refused before the first write. The first
 * refused write stops the run; what was done before it stays done, and a second run picks up from there (objects are
 * found again by key and marker).
 */
public final class Applier {
    private final PostHogApiClient api;
    private final Clock clock;
    private final PrintStream out;

    public Applier(PostHogApiClient api, Clock clock, PrintStream out) {
        this.api = Objects.requireNonNull(api, "api");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** How many objects were created, updated, deleted and left as they were. */
    public record Result(int created, int updated, int deleted, int unchanged) {}

    /**
     * Applies {@code plan}.
     *
     * @throws IllegalStateException when the plan is not ready (nothing was written)
     */
    public Result apply(Plan plan) throws PostHogApiException {
        if (!plan.ready()) {
            throw new IllegalStateException("the plan is not ready: " + String.join("; ", plan.missingGroupTypes())
                    + String.join("; ", plan.conflicts()));
        }
        Map<String, Long> dashboards = new LinkedHashMap<>();
        for (Change change : plan.changes()) {
            if (change.type() == ObjectType.DASHBOARD && change.remoteId() != null) {
                dashboards.put(change.id(), Long.parseLong(change.remoteId()));
            }
        }
        int created = 0;
        int updated = 0;
        int deleted = 0;
        int unchanged = 0;
        for (Change change : plan.changes()) {
            switch (change.action()) {
                case CREATE -> {
                    ObjectNode body = change.body().deepCopy();
                    complete(change, body, dashboards);
                    if (change.type() == ObjectType.FEATURE_FLAG) {
                        body.setAll(PostHogBodies.featureFlagCreateOnly());
                    }
                    ObjectNode answer = api.create(change.type(), change.id(), body);
                    String remoteId = answer.path("id").asText();
                    if (change.type() == ObjectType.DASHBOARD) {
                        dashboards.put(change.id(), answer.path("id").asLong());
                    }
                    out.println("created " + change.type().label() + " '" + change.id() + "' (id " + remoteId + ")");
                    created++;
                }
                case UPDATE -> {
                    ObjectNode patch = change.body().deepCopy();
                    complete(change, patch, dashboards);
                    api.update(change.type(), change.id(), change.remoteId(), patch);
                    out.println("updated " + change.describe() + ": " + String.join(", ", fieldNames(patch)));
                    updated++;
                }
                case DELETE -> {
                    api.delete(change.type(), change.id(), change.remoteId());
                    out.println("deleted " + change.describe()
                            + (change.type().hardDelete() ? "" : " (soft delete: deleted = true)"));
                    deleted++;
                }
                case UNCHANGED, KEEP -> unchanged++;
                case BLOCKED -> throw new IllegalStateException("blocked change in a ready plan: " + change);
            }
        }
        return new Result(created, updated, deleted, unchanged);
    }

    private void complete(Change change, ObjectNode body, Map<String, Long> dashboards) {
        if (change.dashboards() != null) {
            body.set("dashboards", Planner.dashboardIds(change.dashboards(), dashboards));
        }
        if (change.launch()) {
            body.put(
                    "start_date",
                    clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    private static Iterable<String> fieldNames(ObjectNode patch) {
        java.util.List<String> names = new java.util.ArrayList<>();
        patch.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
