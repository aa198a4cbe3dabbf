package dev.tracking.replay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Which dead letters a command covers; every filter given must match (an option given several times matches any of
 * its values).
 *
 * @param sourceTopics source topics whose dead-letter topics are read
 * @param categories {@code tracking_dlt-category} values; empty: any
 * @param exceptions exception class names, simple or fully qualified, of the exception or its cause; empty: any
 * @param types fact types (record names); empty: any
 * @param keys record keys (UTF-8); empty: any
 * @param since failures at or after this; null: no bound
 * @param until failures before this; null: no bound
 * @param offsets dead-letter partitions and offsets; empty: any
 * @param given the filter options as given, for the audit record and the output
 */
record Filters(
        Set<String> sourceTopics,
        List<String> categories,
        List<String> exceptions,
        List<String> types,
        List<String> keys,
        Instant since,
        Instant until,
        List<OffsetRange> offsets,
        List<String> given) {

    boolean matches(DeadLetter letter, String decodedType) {
        String source = letter.sourceTopic();
        if (source != null && !sourceTopics.contains(source)) {
            return false;
        }
        if (!categories.isEmpty() && !categories.contains(letter.category())) {
            return false;
        }
        if (!exceptions.isEmpty() && exceptions.stream().noneMatch(letter::exceptionMatches)) {
            return false;
        }
        String type = letter.factType() != null ? letter.factType() : decodedType;
        if (!types.isEmpty() && (type == null || !types.contains(type))) {
            return false;
        }
        if (!keys.isEmpty()
                && (letter.key() == null
                        || keys.stream()
                                .noneMatch(key -> Arrays.equals(key.getBytes(StandardCharsets.UTF_8), letter.key())))) {
            return false;
        }
        Instant failedAt = letter.failedAt();
        if (since != null && failedAt.isBefore(since)) {
            return false;
        }
        if (until != null && !failedAt.isBefore(until)) {
            return false;
        }
        return offsets.isEmpty() || offsets.stream().anyMatch(r -> r.contains(letter.partition(), letter.offset()));
    }

    /** Whether a fact type is needed to decide: only when filtering by type. */
    boolean needsType() {
        return !types.isEmpty();
    }

    /** The filters as options, {@code none} when there are none. */
    String describe() {
        return given.isEmpty() ? "none" : String.join(" ", given);
    }

    static List<String> options(String option, List<?> values) {
        List<String> options = new ArrayList<>();
        for (Object value : values) {
            options.add(option + " " + value);
        }
        return options;
    }
}
