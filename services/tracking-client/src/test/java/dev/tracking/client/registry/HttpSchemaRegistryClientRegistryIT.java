package dev.tracking.client.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.facts.SubscriptionStarted;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * What Apicurio 3.3.3 answers for an id it does not know, as Confluent does: 404 {@code {"message":"Schema
     * 2147483647 not found.","error_code":40403}}; the client reads it as "absent", not as a missing endpoint.
     */
    @Test
    void anUnknownIdIsAnsweredWithConfluentsSchemaNotFoundError() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(apicurio.ccompatUrl() + "/schemas/ids/" + Integer.MAX_VALUE))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        System.out.println("Apicurio, unknown schema id: " + answer.statusCode() + " " + answer.body());

        assertThat(answer.statusCode()).isEqualTo(404);
        JsonNode error = new ObjectMapper().readTree(answer.body());
        assertThat(error.path("error_code").asInt()).isEqualTo(40403);
        assertThat(error.path("message").asText()).contains(String.valueOf(Integer.MAX_VALUE), "not found");
        assertThat(registry.schemaById(Integer.MAX_VALUE)).isEmpty();
    }

    @Test
    void theProbePassesAtTheCcompatUrl() {
        registry.probe();
    }

    /**
     * Apicurio 3.3.3 without {@code /apis/ccompat/v7} answers a RESTEasy problem (404, {@code "status":404}, no {@code
     * error_code}); with a wrong version ({@code /apis/ccompat/v6}) a 404 with an empty body. Neither is "no such id".
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "/apis/ccompat/v6", "/apis/registry/v3"})
    void aWrongBasePathIsNoRegistryApiNotAnUnknownId(String path) {
        HttpSchemaRegistryClient wrong = HttpSchemaRegistryClient.builder(
                        URI.create(apicurio.ccompatUrl().toString().replace("/apis/ccompat/v7", path)))
                .build();

        assertThatThrownBy(() -> wrong.schemaById(1))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("check the base path");
        assertThatThrownBy(wrong::probe)
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("check the base path");
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
