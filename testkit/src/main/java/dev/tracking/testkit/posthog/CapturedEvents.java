package dev.tracking.testkit.posthog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pure functions over recorded events (a {@link FakePostHog#events()} snapshot, in arrival order), for assertions.
 */
public final class CapturedEvents {
    private CapturedEvents() {}

    /** The events called {@code event}, in arrival order. */
    public static List<CapturedEvent> named(List<CapturedEvent> events, String event) {
        Objects.requireNonNull(event, "event");
        return events.stream().filter(e -> e.event().equals(event)).toList();
    }

    /**
     * Every (event, distinct_id, uuid) that arrived more than once, with its copies in arrival order; keys in order of
     * first arrival. Events without a uuid are left out: capture gives each its own, so PostHog never merges them.
     */
    public static Map<EventIdentity, List<CapturedEvent>> duplicatesByIdentity(List<CapturedEvent> events) {
        Map<EventIdentity, List<CapturedEvent>> byIdentity = new LinkedHashMap<>();
        for (CapturedEvent e : events) {
            if (e.uuid() != null) {
                byIdentity.computeIfAbsent(e.identity(), k -> new ArrayList<>()).add(e);
            }
        }
        byIdentity.values().removeIf(copies -> copies.size() < 2);
        byIdentity.replaceAll((k, copies) -> List.copyOf(copies));
        return byIdentity;
    }

    /**
     * One description per duplicated (event, distinct_id, uuid) that a correct client would not have produced; empty
     * means every repeat is explained.
     *
     * <p>A later copy is explained only when its raw JSON is identical to the first copy's (so PostHog's merge on
     * (event, distinct_id, uuid, day) absorbs it) <em>and</em> an earlier copy came from a request the server processed
     * and then abandoned on purpose ({@link CapturedEvent#deliveredByAbandonedRequest()}), so the client had reason to
     * resend. A copy whose JSON differs would be counted twice or merged with wrong data; a repeat of a copy that was
     * acknowledged is a resend the client should not have made.
     */
    public static List<String> unexplainedDuplicates(List<CapturedEvent> events) {
        List<String> problems = new ArrayList<>();
        duplicatesByIdentity(events).forEach((identity, copies) -> {
            CapturedEvent first = copies.get(0);
            boolean abandonedBefore = first.deliveredByAbandonedRequest();
            List<String> reasons = new ArrayList<>();
            for (CapturedEvent copy : copies.subList(1, copies.size())) {
                if (!copy.rawJson().equals(first.rawJson())) {
                    reasons.add("copy in request " + copy.requestNumber() + " differs from the first copy (request "
                            + first.requestNumber() + "): " + firstDifference(first.rawJson(), copy.rawJson()));
                } else if (!abandonedBefore) {
                    reasons.add("copy in request " + copy.requestNumber()
                            + " repeats a delivery that was acknowledged (no earlier copy came from an abandoned"
                            + " request)");
                }
                abandonedBefore |= copy.deliveredByAbandonedRequest();
            }
            if (!reasons.isEmpty()) {
                problems.add(identity + " arrived " + copies.size() + " times in requests "
                        + copies.stream().map(CapturedEvent::requestNumber).toList() + "; "
                        + String.join("; ", reasons));
            }
        });
        return problems;
    }

    private static String firstDifference(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return "first difference at character " + i + " (" + excerpt(a, i) + " vs " + excerpt(b, i) + ")";
    }

    private static String excerpt(String s, int at) {
        int from = Math.max(0, at - 10);
        int to = Math.min(s.length(), at + 20);
        return "'" + (from > 0 ? "…" : "") + s.substring(from, to) + (to < s.length() ? "…" : "") + "'";
    }
}
