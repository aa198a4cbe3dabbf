package dev.tracking.client.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.facts.SubscriptionCancelled;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class SchemaRegistrationTest {
    private static final String TOPIC = "facts.subscriptions";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(SubjectNameStrategy strategy, List<SchemaRegistration.Candidate> candidates, boolean dryRun) {
        return new SchemaRegistration(registry, strategy, SchemaRegistration.DEFAULT_LEVEL)
                .run(
                        candidates,
                        dryRun,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private static List<SchemaRegistration.Candidate> current() {
        return SchemaRegistration.currentSchemas(Map.of());
    }

    /** SubscriptionStarted with a new field {@code billing_country} that has no default: old data cannot be read. */
    static Schema startedWithRequiredBillingCountry() {
        Schema current = SubscriptionStarted.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : current.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field("billing_country", Schema.create(Schema.Type.STRING), "ISO country", null));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    @Test
    void registersEveryFactTypeUnderItsOwnSubjectAndIsIdempotent() {
        assertThat(run(SubjectNameStrategy.TOPIC_RECORD, current(), false)).isZero();
        int types = FactFamily.allTypes().size();
        assertThat(output()).contains("done: " + types + " schema(s) registered, 0 already there");
        assertThat(registry.versions(TOPIC + "-dev.tracking.facts.SubscriptionStarted"))
                .containsExactly(1);
        assertThat(registry.compatibilityLevel(TOPIC + "-dev.tracking.facts.SubscriptionStarted"))
                .hasValue(CompatibilityLevel.BACKWARD_TRANSITIVE);
        long requestsAfterFirstRun = registry.requests();

        out.reset();
        assertThat(run(SubjectNameStrategy.TOPIC_RECORD, current(), false)).isZero();

        assertThat(output()).contains("done: 0 schema(s) registered, " + types + " already there");
        // second run: one lookup and one level read per fact type, nothing written
        assertThat(registry.requests() - requestsAfterFirstRun).isEqualTo(2L * types);
    }

    @Test
    void refusesAnIncompatibleChangeNamingTheFieldAndRegistersNothing() {
        run(SubjectNameStrategy.TOPIC_RECORD, current(), false);
        String subject = TOPIC + "-dev.tracking.facts.SubscriptionStarted";
        List<SchemaRegistration.Candidate> changed = List.of(
                new SchemaRegistration.Candidate(TOPIC, SubscriptionCancelled.getClassSchema()),
                new SchemaRegistration.Candidate(TOPIC, startedWithRequiredBillingCountry()));
        out.reset();

        int exit = run(SubjectNameStrategy.TOPIC_RECORD, changed, false);

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("FAIL  SubscriptionStarted is not compatible with subject " + subject)
                .contains("cannot read data written with version 1")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE at field 'billing_country'")
                .contains("nothing registered: 1 schema(s) incompatible");
        assertThat(registry.versions(subject)).containsExactly(1);
    }

    @Test
    void namesAFieldWhoseTypeChanged() {
        run(SubjectNameStrategy.RECORD, current(), false);
        Schema seatsAsString = new Schema.Parser()
                .parse(SubscriptionStarted.getClassSchema()
                        .toString()
                        .replace("\"type\":\"int\"", "\"type\":\"string\""));

        int exit =
                run(SubjectNameStrategy.RECORD, List.of(new SchemaRegistration.Candidate(TOPIC, seatsAsString)), false);

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("TYPE_MISMATCH at field 'seats'");
    }

    @Test
    void underTheTopicStrategyEveryTypeSharesTheSubjectWithCompatibilityNone() {
        assertThat(run(SubjectNameStrategy.TOPIC, current(), false)).isZero();

        assertThat(registry.versions(TOPIC + "-value")).containsExactly(1, 2);
        assertThat(registry.compatibilityLevel(TOPIC + "-value")).hasValue(CompatibilityLevel.NONE);
        assertThat(output()).contains("its compatibility level is set to NONE");

        // the local check per fact type still guards the shared subject
        int exit = run(
                SubjectNameStrategy.TOPIC,
                List.of(new SchemaRegistration.Candidate(TOPIC, startedWithRequiredBillingCountry())),
                false);
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("at field 'billing_country'");
    }

    @Test
    void dryRunChecksButWritesNothing() {
        int exit = run(SubjectNameStrategy.TOPIC_RECORD, current(), true);

        assertThat(exit).isZero();
        assertThat(output())
                .contains("dry run: would register " + FactFamily.allTypes().size() + " schema(s)");
        assertThat(registry.versions(TOPIC + "-dev.tracking.facts.SubscriptionStarted"))
                .isEmpty();
    }

    @Test
    void registryUnavailableFailsWithItsMessage() {
        registry.unavailable(true);

        int exit = run(SubjectNameStrategy.TOPIC_RECORD, current(), false);

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unavailable");
    }

    @Test
    void fieldPathFollowsUnionsIntoRecords() {
        Schema inner =
                SchemaBuilder.record("Inner").fields().requiredInt("depth").endRecord();
        Schema outer = SchemaBuilder.record("Outer")
                .fields()
                .name("child")
                .type()
                .unionOf()
                .nullType()
                .and()
                .type(inner)
                .endUnion()
                .nullDefault()
                .endRecord();

        assertThat(SchemaRegistration.fieldPath(outer, "/fields/0/type/1/fields/0/type"))
                .isEqualTo("child.depth");
        assertThat(SchemaRegistration.fieldPath(outer, "/")).isEqualTo("/");
    }
}
