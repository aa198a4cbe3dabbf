package dev.tracking.examples.signup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.schemas.Facts;
import dev.tracking.testkit.postgres.PostgresServer;
import dev.tracking.testkit.process.ChildProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The example service, a real process, is killed with SIGKILL after a signup committed and before Kafka acknowledged
 * its fact (no broker answers its bootstrap address, so no acknowledgement can come): the fact is in the outbox table.
 * Started again with a broker, it sends the fact, with the {@code event_id} the first process recorded, exactly once.
 *
 * <p>That the tracking consumer drops a copy with an {@code event_id} it already delivered is shown on the consumer's
 * side ({@code PublishFileTwiceIT} in {@code services/tracking-consumer}: the same facts published twice reach PostHog
 * once); this test stops at Kafka.
 */
@Timeout(240)
class SignupServiceCrashIT {
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();
    private PostgresServer postgres;
    private EmbeddedKafkaBroker kafka;
    private String bootstrapServers;

    @TempDir
    Path logs;

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
        if (kafka != null) {
            kafka.destroy();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aSignupCommittedBeforeTheProcessWasKilledIsPublishedOnceAfterTheRestart() throws Exception {
        postgres = PostgresServer.startOrSkip();
        bootstrapServers = "127.0.0.1:" + ChildProcess.freePort(); // nothing listens there

        int port = ChildProcess.freePort();
        Process first = startService(port, "first");
        String body = "{\"userId\":\"u-ada\",\"email\":\"ada@acme.example\",\"name\":\"Ada\"}";
        HttpResponse<String> signup = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/signups"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signup.statusCode()).as("signup answered: %s", signup.body()).isEqualTo(200);
        String eventId = signup.body().replaceAll(".*\"eventId\":\"([^\"]+)\".*", "$1");
        assertThat(outboxEventIds()).as("committed, not acknowledged").containsExactly(eventId);
        assertThat(users()).isEqualTo(1);

        first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no flush
        kafka = new EmbeddedKafkaKraftBroker(1, 3, "facts.onboarding");
        kafka.afterPropertiesSet();
        bootstrapServers = kafka.getBrokersAsString();
        startService(port, "second");

        List<String> landed = await("the fact recorded before the kill reached Kafka")
                .atMost(Duration.ofSeconds(60))
                .until(this::onboardingEventIds, ids -> !ids.isEmpty());
        assertThat(landed).containsExactly(eventId);
        await("the outbox row is deleted")
                .atMost(Duration.ofSeconds(20))
                .until(() -> outboxEventIds().isEmpty());
        assertThat(onboardingEventIds()).as("still once").containsExactly(eventId);
    }

    private Process startService(int port, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = logs.resolve(name + ".log");
        Process process = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SignupService.class.getName(),
                        "--server.port=" + port,
                        "--spring.datasource.url=" + postgres.jdbcUrl(),
                        "--spring.datasource.username=" + postgres.user(),
                        "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                        "--tracking.outbox.send-timeout=2s",
                        "--tracking.outbox.max-backoff=1s",
                        "--tracking.health.broker-timeout=1s",
                        "--logging.level.org.apache.kafka=error")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        processes.add(process);
        await("the " + name + " service answers")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .failFast("the " + name + " service exited; its log: " + log, () -> !process.isAlive())
                .until(() -> answers(port));
        return process;
    }

    private boolean answers(int port) {
        try {
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private List<String> outboxEventIds() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
                ResultSet rows =
                        db.createStatement().executeQuery("SELECT event_id FROM tracking_outbox ORDER BY id")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    private int users() throws Exception {
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
                ResultSet rows = db.createStatement().executeQuery("SELECT COUNT(*) FROM users")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Event ids of every record on facts.onboarding, from the beginning. */
    private List<String> onboardingEventIds() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<String> ids = new ArrayList<>();
        var decoder = SingleObjectEncoding.decoder();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor("facts.onboarding", Duration.ofSeconds(10)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    ids.add(Facts.eventId(decoder.decode(record.topic(), record.value())));
                }
            }
        }
        return ids;
    }
}
