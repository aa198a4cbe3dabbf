package dev.tracking.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.facts.SubscriptionStarted;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class SchemaEvolutionTest {

    @TestFactory
    List<DynamicTest> everyCurrentSchemaReadsEveryReleasedVersion() {
        return FactFamily.allTypes().stream()
                .map(type -> DynamicTest.dynamicTest(type.getSimpleName(), () -> {
                    List<Schema> released = SchemaHistory.versionsOf(type);
                    assertThat(released)
                            .as("released versions of %s (run make schemas-snapshot)", type.getSimpleName())
                            .isNotEmpty();
                    assertThat(SchemaHistory.incompatibilities(FactFamily.schemaOf(type), released))
                            .as("backward compatibility of %s with every released version", type.getSimpleName())
                            .isEmpty();
                }))
                .toList();
    }

    @TestFactory
    List<DynamicTest> everyCurrentSchemaIsRecordedAsTheLatestVersion() {
        return FactFamily.allTypes().stream()
                .map(type -> DynamicTest.dynamicTest(type.getSimpleName(), () -> {
                    List<Schema> released = SchemaHistory.versionsOf(type);
                    assertThat(released.get(released.size() - 1))
                            .as(
                                    "%s changed since its latest recorded version: if the change is intended,"
                                            + " run make schemas-snapshot and commit the new version",
                                    type.getSimpleName())
                            .isEqualTo(FactFamily.schemaOf(type));
                }))
                .toList();
    }

    @Test
    void addingARequiredFieldWithoutDefaultIsReportedWithTheFieldNamed() {
        Schema v1 = FactFamily.schemaOf(SubscriptionStarted.class);
        Schema broken = withExtraField(v1, "currency", SchemaBuilder.builder().stringType(), false);

        assertThat(SchemaHistory.incompatibilities(broken, List.of(v1)))
                .singleElement()
                .asString()
                .contains("v1", "READER_FIELD_MISSING_DEFAULT_VALUE", "currency");
    }

    @Test
    void addingAnOptionalFieldWithDefaultIsCompatible() {
        Schema v1 = FactFamily.schemaOf(SubscriptionStarted.class);
        Schema v2 = withExtraField(
                v1, "currency", SchemaBuilder.builder().nullable().stringType(), true);

        assertThat(SchemaHistory.incompatibilities(v2, List.of(v1))).isEmpty();
    }

    @Test
    void changingAFieldTypeIsReported() {
        Schema v1 = FactFamily.schemaOf(SubscriptionStarted.class);
        Schema broken = new Schema.Parser()
                .parse(v1.toString()
                        .replace("{\"name\":\"seats\",\"type\":\"int\"", "{\"name\":\"seats\",\"type\":\"boolean\""));

        assertThat(SchemaHistory.incompatibilities(broken, List.of(v1)))
                .singleElement()
                .asString()
                .contains("TYPE_MISMATCH", "seats");
    }

    private static Schema withExtraField(Schema base, String name, Schema type, boolean nullDefault) {
        List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field f : base.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(name, type, null, nullDefault ? Schema.Field.NULL_DEFAULT_VALUE : null));
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }
}
