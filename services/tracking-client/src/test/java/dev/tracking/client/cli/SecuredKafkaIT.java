package dev.tracking.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.FactPublisher;
import dev.tracking.client.KafkaTopics;
import dev.tracking.client.kafka.KafkaClientProperties;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.kafka.KafkaBrokerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line and the publisher against a broker that authenticates its clients (a {@code kafka.Kafka} process
 * with SASL/PLAIN on a SASL_PLAINTEXT and a SASL_SSL listener, its certificate made for the test): the {@code KAFKA_*}
 * variables and {@code --kafka-config} reach the producer, and a refused login is one clear line, exit 2, without the
 * password.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecuredKafkaIT {
    private static final String USER = "tracking";
    private static final String PASSWORD = "sasl-Pa55-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "not-the-Pa55-" + UUID.randomUUID();
    private static final String DASHBOARD_VIEW = """
            {"type": "DashboardViewed", "team_id": "acme", "user_id": "user-alice"}""";

    private static KafkaBrokerProcess kafka;

    private final Console console = new Console();

    @TempDir
    Path dir;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        kafka = KafkaBrokerProcess.startSecured(Map.of(USER, PASSWORD));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(KafkaTopics.defaultTopics().stream()
                            .map(topic -> new NewTopic(topic, KafkaTopics.PARTITIONS, (short) 1))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void publishOverSaslPlaintextWithTheCredentialsOfTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("facts.jsonl"), DASHBOARD_VIEW + "\n" + DASHBOARD_VIEW + "\n");
        long before = dashboardRecords();

        int exit = FactCli.run(
                new String[] {"publish", file.toString()}, saslPlaintext(PASSWORD), console.out(), console.err());

        assertThat(exit).as(console.printedErr()).isZero();
        assertThat(console.printedOut()).contains("published 2 fact(s) to " + kafka.saslPlaintextBootstrapServers());
        assertThat(dashboardRecords()).isEqualTo(before + 2);
    }

    @Test
    void publishOverSaslSslWithAClientPropertiesFileAndTheJaasConfigOfTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("facts.jsonl"), DASHBOARD_VIEW + "\n");
        Path config = Files.writeString(dir.resolve("client.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                ssl.truststore.location=%s
                ssl.truststore.password=%s
                """.formatted(
                        kafka.certificate().trustStore(), kafka.certificate().password()));
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.saslSslBootstrapServers(),
                "KAFKA_SASL_JAAS_CONFIG", KafkaBrokerProcess.plainJaasConfig(USER, PASSWORD));
        long before = dashboardRecords();

        int exit = FactCli.run(
                new String[] {"publish", "--kafka-config", config.toString(), file.toString()},
                env,
                console.out(),
                console.err());

        assertThat(exit).as(console.printedErr()).isZero();
        assertThat(console.printedOut()).contains("published 1 fact(s) to " + kafka.saslSslBootstrapServers());
        assertThat(dashboardRecords()).isEqualTo(before + 1);
    }

    @Test
    void simulateOverSaslPlaintext() throws Exception {
        long before = recordsOf(FactFamily.values());

        int exit = FactCli.run(
                new String[] {"simulate", "--count", "20", "--rate", "1000", "--teams", "3"},
                saslPlaintext(PASSWORD),
                console.out(),
                console.err());

        assertThat(exit).as(console.printedErr()).isZero();
        assertThat(console.printedOut()).contains("sent 20, acknowledged 20, failed 0");
        assertThat(recordsOf(FactFamily.values())).isEqualTo(before + 20);
    }

    @Test
    void aWrongPasswordIsExit2NamingTheRefusalNeverThePassword() throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("facts.jsonl"), DASHBOARD_VIEW + "\n");
        long started = System.nanoTime();

        int exit = FactCli.run(
                new String[] {"publish", file.toString()}, saslPlaintext(WRONG_PASSWORD), console.out(), console.err());

        assertThat(exit).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("time to report the refusal")
                .isLessThan(Duration.ofSeconds(25));
        assertThat(console.printedErr())
                .contains("nothing published: Kafka at " + kafka.saslPlaintextBootstrapServers()
                        + " did not authenticate this client with security.protocol=SASL_PLAINTEXT (from"
                        + " KAFKA_SECURITY_PROTOCOL), sasl.mechanism=PLAIN (from KAFKA_SASL_MECHANISM)")
                .contains("Invalid username or password")
                .contains("check the user and password in KAFKA_SASL_JAAS_CONFIG")
                .doesNotContain(WRONG_PASSWORD, PASSWORD);
        assertThat(console.printedOut()).doesNotContain(WRONG_PASSWORD, PASSWORD);
    }

    @Test
    void simulateWithAWrongPasswordStopsAtOnceWithExit2() throws InterruptedException {
        long started = System.nanoTime();

        int exit = FactCli.run(
                new String[] {"simulate", "--rate", "100"}, // no end: only the refusal stops it
                saslPlaintext(WRONG_PASSWORD),
                console.out(),
                console.err());

        assertThat(exit).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("time to stop on the refusal")
                .isLessThan(Duration.ofSeconds(40));
        assertThat(console.printedErr())
                .contains("did not authenticate this client", "Invalid username or password")
                .doesNotContain(WRONG_PASSWORD, PASSWORD);
        assertThat(console.printedOut()).contains("acknowledged 0");
    }

    @Test
    void aBrokerCertificateThatIsNotTrustedIsExit2NamingTheTrustStore() throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("facts.jsonl"), DASHBOARD_VIEW + "\n");
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                kafka.saslSslBootstrapServers(),
                "KAFKA_SECURITY_PROTOCOL",
                "SASL_SSL",
                "KAFKA_SASL_MECHANISM",
                "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG",
                KafkaBrokerProcess.plainJaasConfig(USER, PASSWORD));

        int exit = FactCli.run(new String[] {"publish", file.toString()}, env, console.out(), console.err());

        assertThat(exit).isEqualTo(2);
        assertThat(console.printedErr())
                .contains("did not authenticate this client with security.protocol=SASL_SSL")
                .contains("SSL handshake failed")
                .contains("check KAFKA_SSL_TRUSTSTORE_LOCATION")
                .doesNotContain(PASSWORD);
    }

    @Test
    void aPublisherBuiltInCodeTakesTheSameSettings() throws Exception {
        KafkaClientProperties settings = KafkaClientProperties.fromEnvironment(saslPlaintext(PASSWORD));
        long before = dashboardRecords();

        try (FactPublisher publisher = FactPublisher.builder()
                .bootstrapServers(kafka.saslPlaintextBootstrapServers())
                .producerProperties(settings.asMap())
                .build()) {
            FactPublisher.Published published = publisher
                    .publish(new DashboardViewed("", Instant.EPOCH, "acme", "user-bob", null))
                    .get(30, TimeUnit.SECONDS);

            assertThat(published.topic()).isEqualTo(FactFamily.ENGAGEMENT.defaultTopic());
        }
        assertThat(dashboardRecords()).isEqualTo(before + 1);
    }

    private static Map<String, String> saslPlaintext(String password) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.saslPlaintextBootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("KAFKA_SASL_MECHANISM", "PLAIN");
        env.put("KAFKA_SASL_JAAS_CONFIG", KafkaBrokerProcess.plainJaasConfig(USER, password));
        return env;
    }

    /** Records in the engagement topic (dashboard views), counted through the PLAINTEXT listener. */
    private static long dashboardRecords() {
        return recordsOf(FactFamily.ENGAGEMENT);
    }

    private static long recordsOf(FactFamily... families) {
        return KafkaTopics.recordCount(
                kafka.bootstrapServers(),
                Arrays.stream(families).map(FactFamily::defaultTopic).toList());
    }
}
