package dev.tracking.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Valid facts of any catalogue type, built from the type's schema so a new fact type is covered without a new fixture
 * (this module cannot use the testkit's {@code FactFixtures}: the testkit depends on it). Every fact is about Alice of
 * the Acme team, Monday 9 am.
 */
final class SampleFacts {
    static final String ACME = "acme";
    static final String ALICE = "user-alice";
    static final String SOURCE = "sample-service";
    static final Instant MONDAY_9AM = Instant.parse("2026-03-02T09:00:00.123Z");

    private SampleFacts() {}

    /** The fixed event id of the sample fact of {@code type}. */
    static String eventIdOf(Class<? extends SpecificRecordBase> type) {
        return UUID.nameUUIDFromBytes(type.getSimpleName().getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** A valid fact with every field set, optional ones included. */
    static SpecificRecordBase complete(Class<? extends SpecificRecordBase> type) {
        return build(type, true);
    }

    /** A valid fact with every optional (nullable) field left null, ids included where the schema allows it. */
    static SpecificRecordBase minimal(Class<? extends SpecificRecordBase> type) {
        return build(type, false);
    }

    private static SpecificRecordBase build(Class<? extends SpecificRecordBase> type, boolean withOptionalFields) {
        Schema schema = FactFamily.schemaOf(type);
        SpecificData model = SpecificData.getForSchema(schema);
        SpecificRecordBase fact = (SpecificRecordBase) model.newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            Schema valueSchema = nonNull(field.schema());
            boolean nullable = valueSchema != field.schema();
            Object value = nullable && !withOptionalFields ? null : sampleValue(type, field.name(), valueSchema, model);
            fact.put(field.pos(), value);
        }
        return fact;
    }

    private static Object sampleValue(
            Class<? extends SpecificRecordBase> type, String field, Schema schema, SpecificData model) {
        switch (field) {
            case "event_id":
                return eventIdOf(type);
            case "occurred_at":
                return MONDAY_9AM;
            case "team_id":
                return ACME;
            case "user_id":
                return ALICE;
            case "source":
                return SOURCE;
            default:
                break;
        }
        return switch (schema.getType()) {
            case STRING -> "sample " + field;
            case INT -> 7;
            case LONG -> 7L;
            case BOOLEAN -> true;
            case ENUM -> model.createEnum(schema.getEnumSymbols().get(0), schema);
            default ->
                throw new IllegalStateException(
                        "no sample value for " + type.getSimpleName() + "." + field + " of type " + schema.getType());
        };
    }

    static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream()
                .filter(s -> s.getType() != Schema.Type.NULL)
                .findFirst()
                .orElseThrow();
    }
}
