package dev.tracking.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.kafka.KafkaBrokerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay tool against a broker that authenticates its clients (a {@code kafka.Kafka} process with SASL/PLAIN on a
 * SASL_PLAINTEXT and a SASL_SSL listener): its admin, consumer and producer all log in with the {@code KAFKA_*}
 * variables or a {@code --kafka-config} file; a wrong password is exit 2 in one line without the password. The dead
 * letters are the {@link PreparedDeadLetters}, written through the broker's PLAINTEXT listener.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecuredKafkaReplayIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "on-call";
    private static final String PASSWORD = "sasl-Pa55-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "not-the-Pa55-" + UUID.randomUUID();

    private static KafkaBrokerProcess kafka;
    private static PreparedDeadLetters prepared;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSecuredBrokerWithDeadLetters() throws Exception {
        kafka = KafkaBrokerProcess.startSecured(Map.of(USER, PASSWORD));
        prepared = new PreparedDeadLetters(
                "secured", Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6)));
        List<NewTopic> topics = new ArrayList<>();
        for (FactFamily family : FactFamily.values()) {
            topics.add(new NewTopic(prepared.topic(family), 3, (short) 1));
            topics.add(new NewTopic(prepared.topic(family) + "-dlt", 3, (short) 1));
        }
        try (Admin admin = plaintextAdmin()) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
        prepared.write(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void summaryOverSaslPlaintextWithTheCredentialsOfTheEnvironment() throws IOException {
        Run run = Run.of(saslPlaintext(PASSWORD), "summary", "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.path("records").asInt()).isEqualTo(PreparedDeadLetters.RECORDS);
        assertThat(summary.path("source_records").asInt()).isEqualTo(PreparedDeadLetters.SOURCE_RECORDS);
    }

    @Test
    void anExecutedReplayOverSaslSslWithAClientPropertiesFileSendsAndAudits() throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=%s
                ssl.truststore.location=%s
                ssl.truststore.password=%s
                """.formatted(
                        KafkaBrokerProcess.plainJaasConfig(USER, PASSWORD),
                        kafka.certificate().trustStore(),
                        kafka.certificate().password()));
        Map<String, String> env = prepared.env(kafka.saslSslBootstrapServers());
        String profiles = prepared.topic(FactFamily.PROFILES);
        long before = endOffset(profiles);

        Run replay = Run.of(env, "replay", "--topic", profiles, "--execute", "--kafka-config", config.toString());

        assertThat(replay.exit()).as(replay.toString()).isZero();
        assertThat(replay.out()).contains("replayed 1 of 1 records");
        assertThat(endOffset(profiles)).as("records in " + profiles).isEqualTo(before + 1);
        Run history = Run.of(env, "history", "--kafka-config", config.toString());
        assertThat(history.exit()).as(history.toString()).isZero();
        assertThat(history.out()).contains("--topic " + profiles);
    }

    @Test
    void aWrongPasswordIsExit2NamingTheRefusalNeverThePassword() {
        long started = System.nanoTime();

        Run run = Run.of(saslPlaintext(WRONG_PASSWORD), "summary", "--timeout", "20s");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ReplayCli.USAGE);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("time to report the refusal")
                .isLessThan(Duration.ofSeconds(15));
        assertThat(run.err())
                .contains("Kafka at " + kafka.saslPlaintextBootstrapServers()
                        + " did not authenticate this client with security.protocol=SASL_PLAINTEXT (from"
                        + " KAFKA_SECURITY_PROTOCOL), sasl.mechanism=PLAIN (from KAFKA_SASL_MECHANISM)")
                .contains("Invalid username or password")
                .doesNotContain(WRONG_PASSWORD, PASSWORD);
        assertThat(run.out()).doesNotContain(WRONG_PASSWORD, PASSWORD);
    }

    private static Map<String, String> saslPlaintext(String password) {
        Map<String, String> env = new HashMap<>(prepared.env(kafka.saslPlaintextBootstrapServers()));
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("KAFKA_SASL_MECHANISM", "PLAIN");
        env.put("KAFKA_SASL_JAAS_CONFIG", KafkaBrokerProcess.plainJaasConfig(USER, password));
        return env;
    }

    private static Admin plaintextAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /** Records ever written to the topic, through the PLAINTEXT listener. */
    private static long endOffset(String topic) throws Exception {
        try (Admin admin = plaintextAdmin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < 3; partition++) {
                latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }
}
