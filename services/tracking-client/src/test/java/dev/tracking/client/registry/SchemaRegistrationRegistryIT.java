package dev.tracking.client.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code schemas-register} against a real registry (Apicurio's Confluent-compatible API). */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SchemaRegistrationRegistryIT {
    @RegisterExtension
    static final RealRegistry apicurio = new RealRegistry();

    private final HttpSchemaRegistryClient registry = apicurio.client();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Map<FactFamily, String> topics = new EnumMap<>(FactFamily.class);

    SchemaRegistrationRegistryIT() {
        String prefix = "register-" + UUID.randomUUID();
        for (FactFamily family : FactFamily.values()) {
            topics.put(family, prefix + "." + family.key());
        }
    }

    private int schemasRegister(SubjectNameStrategy strategy, List<SchemaRegistration.Candidate> schemas) {
        out.reset();
        err.reset();
        return new SchemaRegistration(registry, strategy, SchemaRegistration.DEFAULT_LEVEL)
                .run(
                        schemas,
                        false,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String subscriptionsSubject() {
        return topics.get(FactFamily.SUBSCRIPTIONS) + "-dev.tracking.facts.SubscriptionStarted";
    }

    @Test
    void registersEveryFactSchemaOnceAndASecondRunChangesNothing() {
        List<SchemaRegistration.Candidate> current = SchemaRegistration.currentSchemas(topics);

        assertThat(schemasRegister(SubjectNameStrategy.TOPIC_RECORD, current)).isZero();
        int id = registry.lookup(subscriptionsSubject(), SubscriptionStarted.getClassSchema())
                .orElseThrow()
                .id();
        assertThat(schemasRegister(SubjectNameStrategy.TOPIC_RECORD, current)).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        "done: 0 schema(s) registered, " + FactFamily.allTypes().size() + " already there")
                .contains("already registered under " + subscriptionsSubject() + " as id " + id);
        assertThat(registry.versions(subscriptionsSubject())).containsExactly(1);
        assertThat(registry.compatibilityLevel(subscriptionsSubject()))
                .hasValue(CompatibilityLevel.BACKWARD_TRANSITIVE);
    }

    @Test
    void refusesAnIncompatibleChangeNamingTheFieldAndRegistersNothing() {
        schemasRegister(SubjectNameStrategy.TOPIC_RECORD, SchemaRegistration.currentSchemas(topics));
        var changed = new SchemaRegistration.Candidate(
                topics.get(FactFamily.SUBSCRIPTIONS), SchemaRegistrationTest.startedWithRequiredBillingCountry());

        int exit = schemasRegister(SubjectNameStrategy.TOPIC_RECORD, List.of(changed));

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("SubscriptionStarted is not compatible with subject " + subscriptionsSubject())
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE at field 'billing_country'")
                .contains("the registry refuses it under its compatibility level BACKWARD_TRANSITIVE")
                .contains("nothing registered");
        assertThat(registry.versions(subscriptionsSubject())).containsExactly(1);
        // the level the command set is the registry's own guard too
        assertThatThrownBy(() -> registry.register(subscriptionsSubject(), changed.schema()))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void underTheTopicStrategyFactTypesShareTheTopicSubject() {
        int exit = schemasRegister(SubjectNameStrategy.TOPIC, SchemaRegistration.currentSchemas(topics));

        assertThat(exit).isZero();
        String subject = topics.get(FactFamily.ONBOARDING) + "-value";
        assertThat(registry.versions(subject))
                .hasSize(FactFamily.ONBOARDING.types().size());
        assertThat(registry.compatibilityLevel(subject)).hasValue(CompatibilityLevel.NONE);
    }
}
