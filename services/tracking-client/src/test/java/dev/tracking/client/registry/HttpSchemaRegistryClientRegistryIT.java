package dev.tracking.client.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracking.facts.SubscriptionStarted;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client's operations against a real registry speaking the Confluent API (Apicurio's {@code ccompat}). */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HttpSchemaRegistryClientRegistryIT {
    @RegisterExtension
    static final RealRegistry apicurio = new RealRegistry();

    private final HttpSchemaRegistryClient registry = apicurio.client();

    private final String subject = "client-" + UUID.randomUUID() + "-value";

    @Test
    void registeringIsIdempotentAndTheIdFindsTheSchema() {
        Schema schema = SubscriptionStarted.getClassSchema();

        int id = registry.register(subject, schema);

        assertThat(registry.register(subject, schema)).isEqualTo(id);
        assertThat(registry.lookup(subject, schema))
                .hasValueSatisfying(found -> assertThat(found.id()).isEqualTo(id));
        assertThat(new Schema.Parser().parse(registry.schemaById(id).orElseThrow()))
                .isEqualTo(schema);
        assertThat(registry.versions(subject)).containsExactly(1);
        assertThat(registry.version(subject, 1))
                .hasValueSatisfying(version -> assertThat(version.id()).isEqualTo(id));
    }

    @Test
    void absentSubjectsAndIdsAreEmptyAnswers() {
        assertThat(registry.lookup(subject, SubscriptionStarted.getClassSchema()))
                .isEmpty();
        assertThat(registry.versions(subject)).isEmpty();
        assertThat(registry.version(subject, 1)).isEmpty();
        assertThat(registry.schemaById(Integer.MAX_VALUE)).isEmpty();
        assertThat(registry.testCompatibility(subject, SubscriptionStarted.getClassSchema())
                        .compatible())
                .isTrue();
    }

    @Test
    void setsAndReadsASubjectsCompatibilityLevel() {
        registry.register(subject, SubscriptionStarted.getClassSchema());

        registry.setCompatibilityLevel(subject, CompatibilityLevel.FULL_TRANSITIVE);

        assertThat(registry.compatibilityLevel(subject)).hasValue(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(registry.globalCompatibilityLevel()).isNotNull();
    }

    @Test
    void anIncompatibleSchemaIsRefusedNamingRegistryAndSubject() {
        registry.register(subject, SubscriptionStarted.getClassSchema());
        registry.setCompatibilityLevel(subject, CompatibilityLevel.BACKWARD);
        Schema seatsAsString = new Schema.Parser()
                .parse(SubscriptionStarted.getClassSchema()
                        .toString()
                        .replace("\"type\":\"int\"", "\"type\":\"string\""));

        assertThat(registry.testCompatibility(subject, seatsAsString).compatible())
                .isFalse();
        assertThatThrownBy(() -> registry.register(subject, seatsAsString))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageStartingWith("schema registry " + apicurio.ccompatUrl() + " refused SubscriptionStarted"
                        + " under subject " + subject + ": 409 ");
        assertThat(registry.versions(subject)).containsExactly(1);
    }
}
