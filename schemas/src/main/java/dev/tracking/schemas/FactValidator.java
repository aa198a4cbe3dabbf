package dev.tracking.schemas;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The rules a fact must meet beyond its Avro schema, shared by the publisher (which refuses to send a fact that breaks
 * them) and the consumer (which dead-letters it):
 *
 * <ul>
 *   <li>{@code event_id} is a UUID; {@code occurred_at} is set (after the epoch);
 *   <li>every required string ({@code team_id}, {@code user_id}, {@code email}, {@code plan}, ...) is non-blank, and a
 *       nullable id ({@code team_id}, {@code user_id}) is either null or non-blank;
 *   <li>every count (each {@code int}/{@code long} field other than timestamps) is not negative.
 * </ul>
 *
 * The rules are derived from the schema, so a new fact type is covered without code here.
 */
public final class FactValidator {
    private FactValidator() {}

    /** Every rule the fact breaks, one readable line each, naming the field and the bad value; empty if valid. */
    public static List<String> violations(SpecificRecord fact) {
        List<String> problems = new ArrayList<>(0);
        Schema schema = fact.getSchema();
        String eventId = Facts.eventId(fact);
        if (eventId == null || eventId.isBlank()) {
            problems.add("event_id " + quoted(eventId) + " is blank");
        } else if (!isUuid(eventId)) {
            problems.add("event_id '" + eventId + "' is not a UUID");
        }
        Instant occurredAt = Facts.occurredAt(fact);
        if (occurredAt == null || !occurredAt.isAfter(Instant.EPOCH)) {
            problems.add("occurred_at " + occurredAt + " is not set (must be after 1970-01-01T00:00:00Z)");
        }
        for (Schema.Field field : schema.getFields()) {
            if (field.pos() <= Facts.OCCURRED_AT) {
                continue;
            }
            Object value = fact.get(field.pos());
            Schema type = nonNull(field.schema());
            boolean nullable = type != field.schema();
            switch (type.getType()) {
                case STRING -> {
                    boolean isId = field.pos() == Facts.TEAM_ID || field.pos() == Facts.USER_ID;
                    if (value == null && !nullable) {
                        problems.add(field.name() + " is missing (null)");
                    } else if (value != null
                            && (!nullable || isId)
                            && value.toString().isBlank()) {
                        problems.add(field.name() + " " + quoted(value) + " is blank");
                    }
                }
                case INT, LONG -> {
                    if (type.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                        continue;
                    }
                    if (value == null && !nullable) {
                        problems.add(field.name() + " is missing (null)");
                    } else if (value != null && ((Number) value).longValue() < 0) {
                        problems.add(field.name() + " is negative: " + value);
                    }
                }
                default -> {
                    if (value == null && !nullable) {
                        problems.add(field.name() + " is missing (null)");
                    }
                }
            }
        }
        return problems;
    }

    /** The canonical 8-4-4-4-12 hex form; {@link java.util.UUID#fromString} alone also takes signs such as {@code +}. */
    static boolean isUuid(String value) {
        if (value.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23
                    ? c == '-'
                    : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String quoted(Object value) {
        return value == null ? "null" : "'" + value + "'";
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                return branch;
            }
        }
        return schema;
    }
}
