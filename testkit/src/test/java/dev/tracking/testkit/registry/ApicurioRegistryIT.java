package dev.tracking.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ApicurioRegistryIT {
    private static final String AVRO_RECORD =
            "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Probe\\\",\\\"fields\\\":[{\\\"name\\\":\\\"f\\\",\\\"type\\\":\\\"string\\\"}]}\"}";
    private static ApicurioRegistry registry;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    static void startRegistry() {
        long started = System.nanoTime();
        registry = ApicurioRegistry.startOrSkip();
        System.out.printf(
                "Apicurio Registry %s up at %s in %d ms%n",
                ApicurioRegistry.VERSION, registry.ccompatUrl(), (System.nanoTime() - started) / 1_000_000);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + path))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheConfluentCompatibleApiOnLoopback() throws Exception {
        assertThat(registry.answers()).isTrue();
        assertThat(registry.ccompatUrl()).hasToString("http://127.0.0.1:" + registry.port() + "/apis/ccompat/v7");

        HttpResponse<String> registered = post("/subjects/launcher-serves-value/versions", AVRO_RECORD);

        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(registered.body()).matches("\\{\"id\":\\d+}");
    }

    @Test
    void listsTheRequestsItServedButNotItsOwnProbes() throws Exception {
        int before = registry.requests().size();

        post("/subjects/launcher-counts-value/versions", AVRO_RECORD);
        post("/subjects/launcher-counts-value", AVRO_RECORD);

        assertThat(registry.requests().subList(before, before + 2))
                .extracting(ApicurioRegistry.Request::toString)
                .containsExactly(
                        "POST /apis/ccompat/v7/subjects/launcher-counts-value/versions 200",
                        "POST /apis/ccompat/v7/subjects/launcher-counts-value 200");
        assertThat(registry.requests()).hasSize(before + 2);
    }

    @Test
    void keepsItsSchemasAcrossARestartOnTheSamePort() throws Exception {
        String id =
                post("/subjects/launcher-restart-value/versions", AVRO_RECORD).body();
        int port = registry.port();

        registry.stop();
        assertThat(registry.isRunning()).isFalse();
        assertThat(registry.answers()).isFalse();
        registry.restartOnSamePort();

        assertThat(registry.port()).isEqualTo(port);
        assertThat(post("/subjects/launcher-restart-value/versions", AVRO_RECORD)
                        .body())
                .isEqualTo(id);
    }

    @Test
    void refusesToRestartOnAPortSomeoneElseTook() throws Exception {
        int port = registry.port();
        registry.stop();
        try (ServerSocket intruder = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(registry::restartOnSamePort).hasMessageContaining("did not start");
        }
        assertThat(registry.isRunning()).isFalse();
        registry.restartOnSamePort();
        assertThat(registry.answers()).isTrue();
    }

    @Test
    void findsAJava21OrNewerForTheRegistry() {
        Path javaHome = ApicurioRegistry.javaHome().orElseThrow();

        assertThat(ApicurioRegistry.featureVersion(javaHome)).isGreaterThanOrEqualTo(21);
    }
}
