package dev.tracking.replay;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts of dead letters: by source topic, failure category, exception class, fact type and PostHog status; first and
 * last failure; how many source records they stand for (a record dead-lettered twice counts once there), how many of
 * those were already replayed by this tool, and how often their facts had been replayed before they failed again.
 */
record Summary(
        int records,
        int distinct,
        int alreadyReplayed,
        Instant firstFailure,
        Instant lastFailure,
        Map<String, Map<String, Integer>> by,
        Map<Integer, Integer> replayCounts) {

    static final List<String> DIMENSIONS =
            List.of("source topic", "category", "exception", "fact type", "PostHog status");

    static Summary of(List<DeadLetterScan.Matched> matched, AuditLog audit) {
        Map<String, Map<String, Integer>> by = new LinkedHashMap<>();
        DIMENSIONS.forEach(dimension -> by.put(dimension, new TreeMap<>()));
        Map<Integer, Integer> replayCounts = new TreeMap<>();
        Set<String> identities = new HashSet<>();
        int distinct = 0;
        int replayed = 0;
        Instant first = null;
        Instant last = null;
        for (DeadLetterScan.Matched item : matched) {
            DeadLetter letter = item.letter();
            count(by, "source topic", letter.sourceTopic());
            count(by, "category", letter.category());
            count(by, "exception", simpleName(letter.exceptionClass()));
            count(by, "fact type", item.type());
            count(by, "PostHog status", letter.posthogStatus());
            replayCounts.merge(letter.replayCount(), 1, Integer::sum);
            String identity = letter.identity();
            if (identity == null || identities.add(identity)) {
                distinct++;
                if (audit.replayOf(identity) != null) {
                    replayed++;
                }
            }
            Instant failedAt = letter.failedAt();
            first = first == null || failedAt.isBefore(first) ? failedAt : first;
            last = last == null || failedAt.isAfter(last) ? failedAt : last;
        }
        return new Summary(matched.size(), distinct, replayed, first, last, by, replayCounts);
    }

    private static void count(Map<String, Map<String, Integer>> by, String dimension, String value) {
        by.get(dimension).merge(value == null ? "(none)" : value, 1, Integer::sum);
    }

    private static String simpleName(String fqcn) {
        return fqcn == null ? null : fqcn.substring(Math.max(fqcn.lastIndexOf('.'), fqcn.lastIndexOf('$')) + 1);
    }

    void print(PrintStream out, String scope, String filters, String auditTopic) {
        out.println("dead letters in " + scope + " (filters: " + filters + ")");
        row(out, "records", records);
        row(
                out,
                "source records",
                distinct
                        + (records > distinct
                                ? "  (" + (records - distinct) + " dead-lettered more than once: replayed once)"
                                : ""));
        row(out, "first failure", firstFailure == null ? "-" : millis(firstFailure));
        row(out, "last failure", lastFailure == null ? "-" : millis(lastFailure));
        row(out, "already replayed", alreadyReplayed + "  (recorded in " + auditTopic + ")");
        List<String> counts = new ArrayList<>();
        replayCounts.forEach((times, n) -> counts.add(times + "x: " + n));
        row(out, "replayed before", counts.isEmpty() ? "-" : String.join(", ", counts));
        by.forEach((dimension, values) -> {
            out.println();
            out.println("by " + dimension);
            values.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(e -> out.printf("  %-40s %6d%n", e.getKey(), e.getValue()));
        });
    }

    private static String millis(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }

    private static void row(PrintStream out, String label, Object value) {
        out.printf("  %-18s %s%n", label, value);
    }

    ObjectNode json(String filters) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("filters", filters);
        node.put("records", records);
        node.put("source_records", distinct);
        node.put("already_replayed", alreadyReplayed);
        node.put("first_failure", firstFailure == null ? null : firstFailure.toString());
        node.put("last_failure", lastFailure == null ? null : lastFailure.toString());
        ObjectNode counts = node.putObject("replayed_before");
        replayCounts.forEach((times, n) -> counts.put(Integer.toString(times), n));
        by.forEach((dimension, values) -> {
            ObjectNode group = node.putObject(
                    "by_" + dimension.toLowerCase(java.util.Locale.ROOT).replace(' ', '_'));
            values.forEach(group::put);
        });
        return node;
    }
}
