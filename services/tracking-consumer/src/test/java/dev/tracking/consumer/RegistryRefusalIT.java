package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.tracking.client.FactPublisher;
import dev.tracking.client.registry.InMemorySchemaRegistryClient;
import dev.tracking.consumer.consume.ConsumptionHealth;
import dev.tracking.testkit.fixtures.FactFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The schema registry answers but refuses this service (401, as a cloud registry does for wrong credentials) after it
 * passed the start-up check (credentials revoked while running): the consumer stops, reports consumption DOWN with the
 * registry's answer, commits nothing and dead-letters nothing; a fact it cannot read for lack of credentials is not a
 * bad fact. (Refused at start-up, it does not start: RegistryStartupCheckIT.)
 */
class RegistryRefusalIT extends TrackingConsumerITSupport {
    private static final byte[] UNAUTHORIZED =
            "{\"error_code\":40101,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NO_SUBJECTS = "[]".getBytes(StandardCharsets.UTF_8);

    private static HttpServer registry;
    private static final List<String> registryRequests = new CopyOnWriteArrayList<>();

    @Autowired
    ConsumptionHealth health;

    @BeforeAll
    static void refusingRegistry() throws IOException {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", exchange -> {
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            registryRequests.add(request);
            // the start-up check passes; everything after it is refused
            boolean startUpCheck = registryRequests.size() == 1 && request.equals("GET /subjects");
            byte[] answer = startUpCheck ? NO_SUBJECTS : UNAUTHORIZED;
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(startUpCheck ? 200 : 401, answer.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(answer);
            }
        });
        registry.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) { // null when the class was skipped before it started
            registry.stop(0);
        }
    }

    @DynamicPropertySource
    static void registryUrl(DynamicPropertyRegistry properties) {
        properties.add(
                "tracking.schema-registry.url",
                () -> "http://127.0.0.1:" + registry.getAddress().getPort());
    }

    @Test
    void aRegistryThatRefusesUsStopsConsumptionReportsDownAndCommitsNothing() throws Exception {
        assertThat(health.health().getStatus().getCode()).isEqualTo("UP");
        // framed with an id from another registry, so the consumer has to ask the refusing one
        try (FactPublisher framed = TestPublishing.builder(broker.getBrokersAsString())
                .schemaRegistry(new InMemorySchemaRegistryClient())
                .build()) {
            TestPublishing.publishAll(framed, FactFixtures.traffic("registry-refusal", 6));
        }

        await("the listener container stopped")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !container().isRunning());

        assertThat(registryRequests.get(0)).as("the start-up check").isEqualTo("GET /subjects");
        assertThat(registryRequests.subList(1, registryRequests.size()))
                .isNotEmpty()
                .allSatisfy(request -> assertThat(request).startsWith("GET /schemas/ids/"));
        assertThat(health.health().getStatus().getCode()).isEqualTo("DOWN");
        assertThat(health.health().getDetails().get("error").toString())
                .contains(
                        "schema registry http://127.0.0.1:"
                                + registry.getAddress().getPort(),
                        "401",
                        "Unauthorized");
        assertThat(posthog.requests()).as("nothing sent to PostHog").isEmpty();
        assertThat(readAllNow(deadLetterTopics()))
                .as("nothing dead-lettered for a registry that refuses us")
                .isEmpty();
        assertNothingCommitted();
    }
}
