package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.client.FactPublisher;
import dev.tracking.consumer.mapping.GoldenEvents;
import dev.tracking.testkit.fixtures.FactFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Without an API key nothing is sent: each request body is appended to the dry-run file instead. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"tracking.posthog.api-key=", "spring.kafka.consumer.group-id=dry-run-it"})
@Import(DryRunIT.BrokerOfTheContext.class)
@DirtiesContext
@Timeout(120)
class DryRunIT {
    @TempDir
    static Path directory;

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = TestKafka.start(1);
    }

    /** Stops the broker when the application closes, after its consumers and producers. */
    @TestConfiguration(proxyBeanMethods = false)
    static class BrokerOfTheContext {
        @Bean(destroyMethod = "destroy")
        EmbeddedKafkaBroker testBroker() {
            return broker;
        }
    }

    @DynamicPropertySource
    static void dryRunFile(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> broker.getBrokersAsString());
        registry.add(
                "tracking.posthog.dry-run-file",
                () -> directory.resolve("batches.jsonl").toString());
    }

    @Test
    void withoutAnApiKeyEachRequestBodyIsAppendedAsOneJsonLine() throws IOException {
        try (FactPublisher publisher = TestPublishing.publisher(broker.getBrokersAsString())) {
            TestPublishing.publishAll(publisher, List.of(FactFixtures.analyticsViewed(), FactFixtures.bobInvited()));
        }
        Path file = directory.resolve("batches.jsonl");

        await("two events in the dry-run file")
                .atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(file) && events(file).size() >= 2);

        List<String> expected = new ArrayList<>(GoldenEvents.of("AnalyticsViewed"));
        expected.addAll(GoldenEvents.of("TeamMemberInvited"));
        assertThat(events(file)).containsExactlyElementsOf(expected);
        for (String line : Files.readAllLines(file)) {
            JsonNode body = new ObjectMapper().readTree(line);
            assertThat(body.path("api_key").asText()).isEmpty();
            assertThat(body.path("batch").isArray()).isTrue();
        }
    }

    private static List<String> events(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> events = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            for (JsonNode event : json.readTree(line).path("batch")) {
                events.add(json.writeValueAsString(event));
            }
        }
        return events;
    }
}
