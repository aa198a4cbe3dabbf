package dev.tracking.posthogproject.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compares what is declared with what PostHog holds, looking only at what is declared: a key PostHog added (an id,
 * {@code bytecode}, {@code conditionHash}, a default) is never a difference; a declared key that is missing or
 * different is, and so is a list of another length. Numbers compare by value ({@code 14} equals {@code 14.0}), and a
 * declared {@code null} equals an absent key.
 */
public final class JsonDiff {
    private JsonDiff() {}

    /** One difference: a path into the object ({@code query.source.series[1].event}) and both values as JSON. */
    public record FieldDiff(String path, String before, String after) {}

    /** Whether {@code actual} holds everything {@code declared} says. */
    public static boolean covers(JsonNode declared, JsonNode actual) {
        return differences("", declared, actual).isEmpty();
    }

    /** The differences between {@code declared} and {@code actual}, deepest first-level paths. */
    public static List<FieldDiff> differences(String path, JsonNode declared, JsonNode actual) {
        List<FieldDiff> out = new ArrayList<>();
        collect(path, declared, actual, out);
        return out;
    }

    private static void collect(String path, JsonNode declared, JsonNode actual, List<FieldDiff> out) {
        boolean absent = actual == null || actual.isMissingNode() || actual.isNull();
        if (declared == null || declared.isNull() || declared.isMissingNode()) {
            if (!absent) {
                out.add(new FieldDiff(path, render(actual), "null"));
            }
            return;
        }
        if (declared.isObject()) {
            if (absent || !actual.isObject()) {
                out.add(new FieldDiff(path, render(actual), render(declared)));
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = declared.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                collect(join(path, field.getKey()), field.getValue(), actual.get(field.getKey()), out);
            }
            return;
        }
        if (declared.isArray()) {
            if (absent || !actual.isArray() || actual.size() != declared.size()) {
                out.add(new FieldDiff(path, render(actual), render(declared)));
                return;
            }
            for (int i = 0; i < declared.size(); i++) {
                collect(path + "[" + i + "]", declared.get(i), actual.get(i), out);
            }
            return;
        }
        if (absent || !sameValue(declared, actual)) {
            out.add(new FieldDiff(path, render(actual), render(declared)));
        }
    }

    private static boolean sameValue(JsonNode declared, JsonNode actual) {
        if (declared.isNumber() && actual.isNumber()) {
            return declared.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return declared.equals(actual);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String render(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "(absent)";
        }
        String text = node.toString();
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }
}
