package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.testkit.fixtures.FactFixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What {@code /actuator/health} and its probes say, over HTTP, of a consumer whose dependencies come and go: a
 * component per dependency, readiness DOWN while an outage holds partitions back (liveness and the overall health stay
 * UP: it is backpressure, not a fault), and a stopped Redis DOWN with its reason.
 */
@Timeout(180)
class HealthIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final StandaloneStack stack = new StandaloneStack("phc_health");

    private final HttpClient http = HttpClient.newHttpClient();
    private URI base;

    private void startConsumer() {
        String group = "health-" + UUID.randomUUID();
        try (GroupProgress progress = GroupProgress.of(stack.kafka().getBrokersAsString(), group)) {
            progress.startAtTheEnd(); // only this test's facts
        }
        ConfigurableApplicationContext consumer = stack.consumers()
                .startServing(Map.of(
                        "tracking.dedup.store",
                        "redis",
                        "tracking.dedup.redis.url",
                        stack.redis().uri().toString(),
                        "tracking.dedup.redis.timeout",
                        "300ms",
                        "spring.kafka.consumer.group-id",
                        group));
        base = StandaloneConsumers.baseUri(consumer);
    }

    @Test
    void everyDependencyHasAComponentAndAllAreUp() throws Exception {
        startConsumer();

        Answer health = get("/actuator/health");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().path("status").asText()).isEqualTo("UP");
        JsonNode components = health.body().path("components");
        assertThat(components.path("kafka").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("kafka").path("details").path("brokers").asInt())
                .isEqualTo(1);
        assertThat(components.path("kafka").path("details").path("clusterId").asText())
                .isNotBlank();
        assertThat(components.path("redis").path("status").asText()).isEqualTo("UP");
        assertThat(components
                        .path("redis")
                        .path("details")
                        .path("onUnavailable")
                        .asText())
                .isEqualTo("pause");
        assertThat(components.path("posthog").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("consumption").path("status").asText()).isEqualTo("UP");
        assertThat(get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness").status()).isEqualTo(200);
    }

    @Test
    void anOutageTakesTheConsumerOutOfRotationWithoutFailingLivenessAndItComesBack() throws Exception {
        startConsumer();
        stack.posthog().faults().outage(true);
        List<SpecificRecordBase> facts = FactFixtures.traffic("health-outage", 10);
        TestPublishing.publishAll(stack.publisher(), facts);

        Answer readiness = await("readiness DOWN while partitions are paused")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> get("/actuator/health/readiness"), answer -> answer.status() == 503);

        assertThat(readiness.body().path("status").asText()).isEqualTo("DOWN");
        JsonNode consumption = readiness.body().path("components").path("consumption");
        assertThat(consumption.path("status").asText()).isEqualTo("PAUSED");
        assertThat(consumption.path("details").path("paused").properties())
                .as("paused partitions, each with its first unsettled offset, until when and why")
                .isNotEmpty()
                .allSatisfy(partition -> {
                    assertThat(partition.getKey()).startsWith("facts.");
                    assertThat(partition.getValue().path("fromOffset").isNumber())
                            .isTrue();
                    assertThat(partition.getValue().path("until").asText()).isNotBlank();
                    assertThat(partition.getValue().path("reason").asText()).contains("PostHog");
                });
        Answer health = get("/actuator/health");
        assertThat(health.status()).as("overall health during an outage").isEqualTo(200);
        assertThat(health.body().path("status").asText()).isEqualTo("UP");
        assertThat(health.body()
                        .path("components")
                        .path("posthog")
                        .path("details")
                        .path("lastFailureReason")
                        .asText())
                .contains("PostHog");
        assertThat(get("/actuator/health/liveness").status()).isEqualTo(200);

        stack.posthog().faults().outage(false);
        await("readiness UP once the outage is over and the partitions caught up")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> get("/actuator/health/readiness").status() == 200
                        && stack.posthog().eventCount() >= facts.size());
        assertThat(get("/actuator/health")
                        .body()
                        .path("components")
                        .path("posthog")
                        .path("details")
                        .has("lastAccepted"))
                .isTrue();
    }

    @Test
    void aStoppedRedisIsDownWithItsReasonAndTheConsumerStaysLive() throws Exception {
        startConsumer();

        stack.redis().stop();

        Answer health = get("/actuator/health");
        assertThat(health.status()).isEqualTo(503);
        JsonNode redis = health.body().path("components").path("redis");
        assertThat(redis.path("status").asText()).isEqualTo("DOWN");
        assertThat(redis.path("details").path("error").asText()).contains("Redis at redis://127.0.0.1:");
        assertThat(get("/actuator/health/liveness").status()).isEqualTo(200);

        stack.redis().restartOnSamePort();
        await("redis UP again")
                .atMost(Duration.ofSeconds(20))
                .until(
                        () -> get("/actuator/health")
                                .body()
                                .path("components")
                                .path("redis")
                                .path("status")
                                .asText(),
                        "UP"::equals);
    }

    private record Answer(int status, JsonNode body) {}

    private Answer get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }
}
