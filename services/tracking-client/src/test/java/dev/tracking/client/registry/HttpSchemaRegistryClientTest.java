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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
