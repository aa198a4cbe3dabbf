package dev.tracking.client.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.facts.SubscriptionStarted;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HttpSchemaRegistryClientTest {
    private static final URI REGISTRY = URI.create("http://127.0.0.1:8081/apis/ccompat/v7");
    private static final String SUBJECT = "facts.subscriptions-value";

    /** Answers from a script, records the requests. */
    private static final class ScriptedTransport implements HttpSchemaRegistryClient.Transport {
        final Deque<Object> script = new ArrayDeque<>();
        final List<HttpRequest> requests = new ArrayList<>();

        ScriptedTransport answer(int status, String body) {
            script.add(new HttpSchemaRegistryClient.Response(status, body));
            return this;
        }

        ScriptedTransport fail(IOException error) {
            script.add(error);
            return this;
        }

        @Override
        public HttpSchemaRegistryClient.Response send(HttpRequest request) throws IOException {
            requests.add(request);
            Object next = script.isEmpty() ? new ConnectException("nothing scripted") : script.poll();
            if (next instanceof IOException e) {
                throw e;
            }
            return (HttpSchemaRegistryClient.Response) next;
        }
    }

    private final ScriptedTransport transport = new ScriptedTransport();
    private final List<Duration> waits = new ArrayList<>();

    private HttpSchemaRegistryClient client(URI url) {
        return HttpSchemaRegistryClient.builder(url)
                .transport(transport)
                .sleeper(waits::add)
                .build();
    }

    @Test
    void registersWithTheConfluentContentTypeAndReturnsTheId() throws Exception {
        transport.answer(200, "{\"id\":42}");

        int id = client(REGISTRY).register(SUBJECT, SubscriptionStarted.getClassSchema());

        assertThat(id).isEqualTo(42);
        HttpRequest request = transport.requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri()).hasToString(REGISTRY + "/subjects/facts.subscriptions-value/versions");
        assertThat(request.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
        assertThat(new ObjectMapper().readTree(body(request)).get("schema").asText())
                .isEqualTo(SubscriptionStarted.getClassSchema().toString());
    }

    @Test
    void retriesServerErrorsWithDoublingWaitsThenAnswers() {
        transport
                .answer(503, "busy")
                .answer(500, "{\"error_code\":50001,\"message\":\"store\"}")
                .answer(200, "{\"id\":7}");

        int id = client(REGISTRY).register(SUBJECT, SubscriptionStarted.getClassSchema());

        assertThat(id).isEqualTo(7);
        assertThat(transport.requests).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void connectionRefusedOnEveryAttemptIsUnavailableNamingUrlAndSubject() {
        transport.fail(new ConnectException()).fail(new ConnectException()).fail(new ConnectException());
        HttpSchemaRegistryClient client = client(REGISTRY);

        assertThatThrownBy(() -> client.register(SUBJECT, SubscriptionStarted.getClassSchema()))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("schema registry " + REGISTRY + " unavailable for SubscriptionStarted under subject "
                        + SUBJECT + " after 3 attempts: connection refused or unreachable");
        assertThat(transport.requests).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(client.requestsSent()).isEqualTo(3);
    }

    @Test
    void timeoutsAreRetriedAndReportedAsUnavailable() {
        transport
                .fail(new HttpTimeoutException("t"))
                .fail(new HttpTimeoutException("t"))
                .fail(new HttpTimeoutException("t"));

        assertThatThrownBy(() -> client(REGISTRY).schemaById(3))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("the schema with id 3")
                .hasMessageContaining("no answer within 10000 ms");
    }

    @Test
    void incompatibleSchemaIsRefusedAtOnceWithTheRegistrysMessage() {
        transport.answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
        HttpSchemaRegistryClient client = client(REGISTRY);

        assertThatThrownBy(() -> client.register(SUBJECT, SubscriptionStarted.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessage("schema registry " + REGISTRY + " refused SubscriptionStarted under subject " + SUBJECT
                        + ": 409 Schema being registered is incompatible");
        assertThat(transport.requests).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void notFoundIsAnEmptyAnswer() {
        transport
                .answer(404, "{\"error_code\":40403,\"message\":\"Schema 9 not found\"}")
                .answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}")
                .answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}")
                .answer(404, "{\"error_code\":40408,\"message\":\"no subject level\"}")
                .answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
        HttpSchemaRegistryClient client = client(REGISTRY);

        assertThat(client.schemaById(9)).isEmpty();
        assertThat(client.lookup(SUBJECT, SubscriptionStarted.getClassSchema())).isEmpty();
        assertThat(client.versions(SUBJECT)).isEmpty();
        assertThat(client.compatibilityLevel(SUBJECT)).isEmpty();
        assertThat(client.testCompatibility(SUBJECT, SubscriptionStarted.getClassSchema()))
                .isEqualTo(new SchemaRegistryClient.CompatibilityCheck(true, List.of()));
    }

    /** 404 bodies that do not come from a registry's API: the request went to the wrong place. */
    static Stream<String> notFoundBodiesOfNoRegistryApi() {
        return Stream.of(
                "", // Apicurio 3.3.3 for a path below /apis/ccompat that it does not serve (e.g. .../v6/...)
                "<html><body><h1>404 Not Found</h1></body></html>", // a proxy or another web server
                "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", // Confluent (Jetty) for an unknown path
                "{\"detail\":\"NotFoundException: RESTEASY003210: Could not find resource for full path:"
                        + " http://127.0.0.1:8080/schemas/ids/9\",\"status\":404,\"name\":\"NotFoundException\"}");
        // the last: Apicurio 3.3.3 when the URL lacks /apis/ccompat/v7
    }

    @ParameterizedTest
    @MethodSource("notFoundBodiesOfNoRegistryApi")
    void aNotFoundWithoutTheRegistrysNotFoundErrorMeansThereIsNoRegistryApiAtTheUrl(String body) {
        transport.answer(404, body);
        HttpSchemaRegistryClient client = client(REGISTRY);

        assertThatThrownBy(() -> client.schemaById(9))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageStartingWith("schema registry " + REGISTRY + " answered the schema with id 9 with 404")
                .hasMessageContaining("check the base path");
        assertThat(transport.requests).as("not retried").hasSize(1);
    }

    @Test
    void subjectLookupsAndCompatibilityChecksTellAMissingEndpointFromAnAbsentSubject() {
        HttpSchemaRegistryClient client = client(REGISTRY);
        Schema schema = SubscriptionStarted.getClassSchema();
        transport
                .answer(404, "")
                .answer(404, "")
                .answer(404, "")
                .answer(404, "")
                .answer(404, "");

        assertThatThrownBy(() -> client.lookup(SUBJECT, schema)).isInstanceOf(SchemaRegistryException.class);
        assertThatThrownBy(() -> client.versions(SUBJECT)).isInstanceOf(SchemaRegistryException.class);
        assertThatThrownBy(() -> client.version(SUBJECT, 1)).isInstanceOf(SchemaRegistryException.class);
        assertThatThrownBy(() -> client.compatibilityLevel(SUBJECT)).isInstanceOf(SchemaRegistryException.class);
        assertThatThrownBy(() -> client.testCompatibility(SUBJECT, schema))
                .as("not 'compatible because the subject has no version'")
                .isInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void anUnknownIdIsAskedForAgainNextTime() {
        transport
                .answer(404, "{\"message\":\"Schema 9 not found.\",\"error_code\":40403}") // Apicurio's body
                .answer(200, "{\"schema\":\"\\\"string\\\"\"}");
        HttpSchemaRegistryClient client = client(REGISTRY);

        assertThat(client.schemaById(9)).isEmpty();
        assertThat(client.schemaById(9)).as("registered meanwhile").hasValue("\"string\"");
        assertThat(transport.requests).hasSize(2);
    }

    @Test
    void probeListsSubjectsWithTheCredentials() {
        transport.answer(200, "[\"facts.subscriptions-value\"]");

        client(URI.create("https://svc:secret@registry.example/apis/ccompat/v7"))
                .probe();

        HttpRequest request = transport.requests.get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri()).hasToString("https://registry.example/apis/ccompat/v7/subjects");
        assertThat(request.headers().firstValue("Authorization")).isPresent();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "404|{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}|check the base path",
                "404|''|empty body",
                "401|{\"error_code\":40101,\"message\":\"Unauthorized\"}|refused the list of subjects: 401 Unauthorized",
                "403|{\"error_code\":40301,\"message\":\"User cannot access the resource.\"}|403",
                "200|<html><title>Sign in</title></html>|not with a list of subjects"
            })
    void probeRefusesWhatIsNotARegistryThatLetsUsIn(int status, String body, String explanation) {
        transport.answer(status, body);
        HttpSchemaRegistryClient client = client(REGISTRY);

        assertThatThrownBy(client::probe)
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.status()).isEqualTo(status))
                .hasMessageStartingWith("schema registry " + REGISTRY + " ")
                .hasMessageContaining(explanation);
    }

    @Test
    void probeOfAnUnreachableRegistryIsUnavailable() {
        assertThatThrownBy(() -> client(REGISTRY).probe())
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("the list of subjects");
        assertThat(transport.requests).hasSize(3);
    }

    @Test
    void readsVerboseCompatibilityMessages() {
        transport.answer(200, "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE: seats\"]}");

        SchemaRegistryClient.CompatibilityCheck check =
                client(REGISTRY).testCompatibility(SUBJECT, SubscriptionStarted.getClassSchema());

        assertThat(check.compatible()).isFalse();
        assertThat(check.messages()).containsExactly("READER_FIELD_MISSING_DEFAULT_VALUE: seats");
        assertThat(transport.requests.get(0).uri())
                .hasToString(REGISTRY + "/compatibility/subjects/" + SUBJECT + "/versions/latest?verbose=true");
    }

    @Test
    void readsAndSetsCompatibilityLevels() throws Exception {
        transport
                .answer(200, "{\"compatibilityLevel\":\"BACKWARD\"}")
                .answer(200, "{\"compatibility\":\"FULL_TRANSITIVE\"}")
                .answer(200, "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
        HttpSchemaRegistryClient client = client(REGISTRY);

        assertThat(client.globalCompatibilityLevel()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.compatibilityLevel(SUBJECT)).hasValue(CompatibilityLevel.FULL_TRANSITIVE);
        client.setCompatibilityLevel(SUBJECT, CompatibilityLevel.BACKWARD_TRANSITIVE);

        HttpRequest put = transport.requests.get(2);
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.uri()).hasToString(REGISTRY + "/config/" + SUBJECT);
        assertThat(body(put)).isEqualTo("{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
    }

    @Test
    void credentialsInTheUrlBecomeBasicAuthAndAreNeverShown() {
        transport.answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        HttpSchemaRegistryClient client = client(URI.create("https://svc-tracking:s3cr%40t@registry.example:8081/"));

        assertThat(client.url()).hasToString("https://registry.example:8081");
        assertThat(client.toString()).doesNotContain("s3cr");
        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessage("schema registry https://registry.example:8081 refused the schema with id 1: 401"
                        + " Unauthorized");
        String expected =
                "Basic " + Base64.getEncoder().encodeToString("svc-tracking:s3cr@t".getBytes(StandardCharsets.UTF_8));
        assertThat(transport.requests.get(0).headers().firstValue("Authorization"))
                .hasValue(expected);
    }

    @Test
    void subjectsAreEscapedInThePath() {
        transport.answer(200, "[1,3,2]");

        List<Integer> versions = client(REGISTRY).versions("odd subject/x");

        assertThat(versions).containsExactly(1, 2, 3);
        assertThat(transport.requests.get(0).uri().getRawPath())
                .isEqualTo("/apis/ccompat/v7/subjects/odd%20subject%2Fx/versions");
    }

    @Test
    void refusesAUrlThatIsNotHttpWithoutShowingItsPassword() {
        assertThatThrownBy(() -> HttpSchemaRegistryClient.builder(URI.create("ftp://user:pw@registry")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("pw");
    }

    @ParameterizedTest(name = "HTTP {0} retryable: {1}")
    @CsvSource({
        "200, false",
        "400, false",
        "401, false",
        "403, false",
        "404, false",
        "408, true",
        "409, false",
        "422, false",
        "429, true",
        "500, true",
        "502, true",
        "503, true",
        "504, true"
    })
    void retriesOnlyTransientStatuses(int status, boolean retryable) {
        assertThat(HttpSchemaRegistryClient.retryable(status)).isEqualTo(retryable);
    }

    @Test
    void backoffDoublesUpToItsCap() {
        HttpSchemaRegistryClient client = HttpSchemaRegistryClient.builder(REGISTRY)
                .maxAttempts(5)
                .backoff(Duration.ofMillis(200), Duration.ofMillis(500))
                .transport(transport)
                .sleeper(waits::add)
                .build();

        assertThatThrownBy(() -> client.versions(SUBJECT)).isInstanceOf(SchemaRegistryUnavailableException.class);

        assertThat(waits)
                .containsExactly(
                        Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(500), Duration.ofMillis(500));
    }

    /** The body a request would send. */
    private static String body(HttpRequest request) {
        StringBuilder text = new StringBuilder();
        request.bodyPublisher().orElseThrow().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                text.append(StandardCharsets.UTF_8.decode(item));
            }

            @Override
            public void onError(Throwable throwable) {}

            @Override
            public void onComplete() {}
        });
        return text.toString();
    }
}
