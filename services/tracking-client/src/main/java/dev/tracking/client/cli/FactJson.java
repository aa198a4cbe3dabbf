package dev.tracking.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracking.schemas.FactFamily;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Reads a fact from one line of a fact file: a JSON object whose {@code "type"} is the record name and whose other keys
 * are the record's fields (snake_case). Enums are given as their symbol, {@code occurred_at} as ISO-8601, nullable
 * fields as a value or null; {@code event_id} and {@code occurred_at} may be left out (the empty id and the epoch,
 * which {@link FactFileDefaults} then fills).
 */
final class FactJson {
    private FactJson() {}

    /** A fact, or the reasons the object is not one. */
    record Parsed(SpecificRecordBase fact, List<String> problems) {}

    static Parsed parse(JsonNode node) {
        List<String> problems = new ArrayList<>();
        if (!(node instanceof ObjectNode object)) {
            return new Parsed(null, List.of("not a JSON object"));
        }
        JsonNode typeNode = object.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return new Parsed(null, List.of("missing \"type\" (one of " + FactFamily.typeNames() + ")"));
        }
        var type = FactFamily.typeNamed(typeNode.asText());
        if (type.isEmpty()) {
            return new Parsed(
                    null,
                    List.of("unknown type \"" + typeNode.asText() + "\" (one of " + FactFamily.typeNames() + ")"));
        }
        Schema schema = FactFamily.schemaOf(type.get());
        SpecificData model = SpecificData.getForSchema(schema);
        SpecificRecordBase fact = (SpecificRecordBase) model.newRecord(null, schema);
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (!name.equals("type") && schema.getField(name) == null) {
                problems.add("unknown field \"" + name + "\" for " + schema.getName() + " (fields: "
                        + schema.getFields().stream().map(Schema.Field::name).toList() + ")");
            }
        }
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = object.get(field.name());
            if (value == null) {
                if (field.hasDefaultValue()) {
                    fact.put(field.pos(), model.getDefaultValue(field));
                } else {
                    problems.add("missing field \"" + field.name() + "\"");
                }
                continue;
            }
            try {
                fact.put(field.pos(), convert(field.schema(), value));
            } catch (IllegalArgumentException e) {
                problems.add("field \"" + field.name() + "\": " + e.getMessage());
            }
        }
        return problems.isEmpty() ? new Parsed(fact, List.of()) : new Parsed(null, problems);
    }

    private static Object convert(Schema schema, JsonNode value) {
        switch (schema.getType()) {
            case UNION -> {
                if (value.isNull()) {
                    if (schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL)) {
                        return null;
                    }
                    throw new IllegalArgumentException("must not be null");
                }
                Schema nonNull = schema.getTypes().stream()
                        .filter(s -> s.getType() != Schema.Type.NULL)
                        .findFirst()
                        .orElseThrow();
                return convert(nonNull, value);
            }
            case STRING -> {
                if (!value.isTextual()) {
                    throw new IllegalArgumentException("expected a string, got " + value);
                }
                return value.asText();
            }
            case INT -> {
                if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                    throw new IllegalArgumentException("expected a 32-bit integer, got " + value);
                }
                return value.intValue();
            }
            case LONG -> {
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    if (!value.isTextual()) {
                        throw new IllegalArgumentException(
                                "expected an ISO-8601 instant like \"2026-03-01T12:00:00Z\", got " + value);
                    }
                    try {
                        return Instant.parse(value.asText());
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException(
                                "\"" + value.asText() + "\" is not an ISO-8601 instant like \"2026-03-01T12:00:00Z\"");
                    }
                }
                if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                    throw new IllegalArgumentException("expected an integer, got " + value);
                }
                return value.longValue();
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw new IllegalArgumentException("expected true or false, got " + value);
                }
                return value.booleanValue();
            }
            case ENUM -> {
                if (!value.isTextual() || !schema.getEnumSymbols().contains(value.asText())) {
                    throw new IllegalArgumentException(value + " is not one of " + schema.getEnumSymbols());
                }
                return SpecificData.getForSchema(schema).createEnum(value.asText(), schema);
            }
            default -> throw new IllegalArgumentException("unsupported schema type " + schema.getType());
        }
    }
}
