package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tracking.consumer.decode.RegistryHealth;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The consumer checks its schema registry at start-up, through its own client (URL, credentials, TLS): a registry that
 * refuses it, or a URL where no registry API answers, stops start-up naming the URL without its credentials and what to
 * check; an unreachable one does not (a registry restart must not crash-loop consumers). No broker needed: the check
 * runs before anything talks to Kafka.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(60)
class RegistryStartupCheckIT {
    private static final String SECRET = "s3cret-registry-password";

    private HttpServer registry;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopRegistry() {
        if (registry != null) {
            registry.stop(0);
        }
    }

    /** A registry that answers every request with this status and body, and records what it was asked. */
    private String registryAnswering(int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        registry.start();
        return "127.0.0.1:" + registry.getAddress().getPort() + "/registry";
    }

    private static ConfigurableApplicationContext start(String registryUrl) {
        return new SpringApplicationBuilder(TrackingConsumerApplication.class)
                .web(WebApplicationType.NONE)
                .run(
                        "--tracking.schema-registry.url=" + registryUrl,
                        "--tracking.schema-registry.retry.max-attempts=2",
                        "--spring.kafka.bootstrap-servers=127.0.0.1:1",
                        "--tracking.topics.create=false",
                        "--spring.kafka.listener.auto-startup=false");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}", "SCHEMA_REGISTRY_PASSWORD"),
                Arguments.of(403, "{\"error_code\":40301,\"message\":\"Forbidden\"}", "permissions"),
                Arguments.of(404, "", "check the base path"),
                Arguments.of(404, "<html><body>Not Found</body></html>", "check the base path"),
                Arguments.of(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", "/apis/ccompat/v7"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refusals")
    void aRegistryThatRefusesUsOrIsNoRegistryStopsStartUpNamingTheUrlAndWhatToCheck(
            int status, String body, String whatToCheck, CapturedOutput output) throws IOException {
        String hostAndPath = registryAnswering(status, body);

        assertThatThrownBy(() -> start("http://svc-tracking:" + SECRET + "@" + hostAndPath))
                .hasStackTraceContaining("start-up check of the schema registry failed")
                .hasStackTraceContaining("schema registry http://" + hostAndPath + " ")
                .hasStackTraceContaining(String.valueOf(status))
                .hasStackTraceContaining(whatToCheck);

        assertThat(requests)
                .as("one request, with the credentials of the URL")
                .singleElement()
                .asString()
                .startsWith("GET /registry/subjects Basic ");
        assertThat(output.getAll())
                .contains("start-up check of the schema registry failed")
                .doesNotContain(SECRET);
    }

    @Test
    void anUnreachableRegistryIsAWarningNotAFailedStartUp(CapturedOutput output) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        try (ConfigurableApplicationContext context = start("http://127.0.0.1:" + closedPort)) {
            assertThat(context.isRunning()).isTrue();
            Health health = context.getBean(RegistryHealth.class).health();
            assertThat(health.getStatus()).as("health component registry").isEqualTo(Status.DOWN);
            assertThat(health.getDetails())
                    .containsEntry("url", "http://127.0.0.1:" + closedPort)
                    .containsKey("error");
        }

        assertThat(output.getAll())
                .contains("schema registry http://127.0.0.1:" + closedPort + " cannot be reached at start-up;"
                        + " starting anyway");
    }

    @Test
    void aRegistryThatListsItsSubjectsPassesTheCheck(CapturedOutput output) throws IOException {
        String hostAndPath = registryAnswering(200, "[\"facts.subscriptions-value\"]");

        try (ConfigurableApplicationContext context = start("http://" + hostAndPath)) {
            assertThat(context.isRunning()).isTrue();
            assertThat(requests).singleElement().asString().startsWith("GET /registry/subjects");
            RegistryHealth health = context.getBean(RegistryHealth.class);
            assertThat(health.health().getStatus())
                    .as("health component registry")
                    .isEqualTo(Status.UP);

            registry.stop(0);
            registry = null;
            assertThat(health.health().getStatus())
                    .as("health component registry, the registry stopped")
                    .isEqualTo(Status.DOWN);
        }

        assertThat(output.getAll()).contains("schema registry http://" + hostAndPath + " answered the start-up check");
    }
}
