package dev.tracking.client.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Kafka client settings of the environment and a properties file: what they set, and what they refuse. */
class KafkaClientPropertiesTest {
    private static final String SECRET = "s3cret-Pa55word";
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"tracking\" password=\"" + SECRET + "\";";

    @TempDir
    Path dir;

    @Test
    void noVariablesSetNothingAndLeaveKafkasDefaults() {
        KafkaClientProperties none = KafkaClientProperties.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092"));

        assertThat(none.isEmpty()).isTrue();
        assertThat(none.securityProtocol()).isEmpty();
        assertThat(none.describeSecurity()).isEqualTo("security.protocol=PLAINTEXT (the default)");
    }

    @Test
    void blankVariablesAreNotSet() {
        assertThat(KafkaClientProperties.fromEnvironment(
                                Map.of("KAFKA_SECURITY_PROTOCOL", " ", "KAFKA_SASL_JAAS_CONFIG", ""))
                        .isEmpty())
                .isTrue();
    }

    @Test
    void everyVariableSetsItsKafkaSetting() throws IOException {
        Path trustStore = Files.writeString(dir.resolve("truststore.p12"), "not parsed here");
        Path keyStore = Files.writeString(dir.resolve("keystore.p12"), "not parsed here");
        Map<String, String> env = Map.of(
                "KAFKA_SECURITY_PROTOCOL",
                "SASL_SSL",
                "KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG",
                JAAS,
                "KAFKA_SSL_TRUSTSTORE_LOCATION",
                trustStore.toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD",
                "trust-" + SECRET,
                "KAFKA_SSL_KEYSTORE_LOCATION",
                keyStore.toString(),
                "KAFKA_SSL_KEYSTORE_PASSWORD",
                "keystore-" + SECRET,
                "KAFKA_SSL_KEY_PASSWORD",
                "key-" + SECRET);

        KafkaClientProperties kafka = KafkaClientProperties.fromEnvironment(env);

        assertThat(kafka.asMap())
                .containsExactly(
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                        Map.entry("sasl.jaas.config", JAAS),
                        Map.entry("ssl.truststore.location", trustStore.toString()),
                        Map.entry("ssl.truststore.password", "trust-" + SECRET),
                        Map.entry("ssl.keystore.location", keyStore.toString()),
                        Map.entry("ssl.keystore.password", "keystore-" + SECRET),
                        Map.entry("ssl.key.password", "key-" + SECRET));
        assertThat(KafkaClientProperties.ENVIRONMENT).containsOnlyKeys(env.keySet());
        assertThat(kafka.securityProtocol()).contains(SecurityProtocol.SASL_SSL);
        assertThat(kafka.originOf("sasl.jaas.config")).contains("KAFKA_SASL_JAAS_CONFIG");
        assertThat(kafka.toString())
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=(hidden)", "ssl.key.password=(hidden)")
                .doesNotContain(SECRET);
    }

    @Test
    void theProtocolIsTakenInAnyCase() {
        KafkaClientProperties kafka = KafkaClientProperties.fromEnvironment(Map.of("KAFKA_SECURITY_PROTOCOL", "ssl"));

        assertThat(kafka.asMap()).containsEntry("security.protocol", "SSL");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "KAFKA_SECURITY_PROTOCOL | SASL_TLS | KAFKA_SECURITY_PROTOCOL 'SASL_TLS' is not valid: expected one of"
                        + " PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL",
                "KAFKA_SECURITY_PROTOCOL | TLS      | KAFKA_SECURITY_PROTOCOL 'TLS' is not valid: expected one of"
                        + " PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL",
                "KAFKA_SASL_MECHANISM    | plain    | KAFKA_SASL_MECHANISM 'plain' is not valid: expected a SASL"
                        + " mechanism name in upper case, such as PLAIN, SCRAM-SHA-256",
                "KAFKA_SASL_MECHANISM    | SCRAM SHA | KAFKA_SASL_MECHANISM 'SCRAM SHA' is not valid",
            })
    void aBadValueIsRefusedNamingTheVariableTheValueAndWhatIsValid(String variable, String value, String message) {
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));
        env.put(variable, value);

        assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aMalformedJaasConfigurationIsRefusedWithoutShowingIt() {
        Map<String, String> env = Map.of(
                "KAFKA_SECURITY_PROTOCOL",
                "SASL_SSL",
                "KAFKA_SASL_JAAS_CONFIG",
                JAAS.replace(";", "")); // the terminating semicolon forgotten

        assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(env))
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG is not a valid JAAS configuration")
                .hasMessageContaining("PlainLoginModule required username=\"...\" password=\"...\";")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void saslSettingsWithoutASaslProtocolAreRefused() {
        assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(Map.of("KAFKA_SASL_JAAS_CONFIG", JAAS)))
                .hasMessage("KAFKA_SASL_JAAS_CONFIG is set but security.protocol is PLAINTEXT (not set;"
                        + " KAFKA_SECURITY_PROTOCOL sets it), which does not use SASL: expected SASL_SSL (or"
                        + " SASL_PLAINTEXT on a trusted network)");
        assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(
                        Map.of("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SASL_MECHANISM", "PLAIN")))
                .hasMessageContaining("KAFKA_SASL_MECHANISM is set but KAFKA_SECURITY_PROTOCOL is SSL");
    }

    @Test
    void tlsSettingsWithoutATlsProtocolAreRefused() throws IOException {
        Path trustStore = Files.writeString(dir.resolve("truststore.p12"), "");

        assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(Map.of(
                        "KAFKA_SECURITY_PROTOCOL",
                        "SASL_PLAINTEXT",
                        "KAFKA_SASL_JAAS_CONFIG",
                        JAAS,
                        "KAFKA_SSL_TRUSTSTORE_LOCATION",
                        trustStore.toString())))
                .hasMessage("KAFKA_SSL_TRUSTSTORE_LOCATION is set but KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT,"
                        + " which does not use TLS: expected SSL or SASL_SSL");
    }

    @Test
    void aStoreThatIsNotAReadableFileIsRefusedNamingIt() {
        Path missing = dir.resolve("no-such-truststore.p12");

        assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(
                        Map.of("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_TRUSTSTORE_LOCATION", missing.toString())))
                .hasMessage("KAFKA_SSL_TRUSTSTORE_LOCATION '" + missing
                        + "' is not valid: expected a readable trust or key store file (PKCS12, JKS or PEM)");
    }

    @Test
    void theFilesSettingsWinOverTheEnvironmentsAndMayCompleteThem() throws IOException {
        Path file = Files.writeString(dir.resolve("client.properties"), """
                # as for kafka-topics --command-config
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-256
                client.dns.lookup=use_all_dns_ips
                """);
        Map<String, String> env = Map.of(
                "KAFKA_SECURITY_PROTOCOL",
                "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM",
                "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG",
                JAAS);

        KafkaClientProperties kafka = KafkaClientProperties.of(env, file);

        assertThat(kafka.asMap())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("client.dns.lookup", "use_all_dns_ips");
        assertThat(kafka.originOf("security.protocol")).contains("security.protocol in " + file);
        assertThat(kafka.describeSecurity())
                .isEqualTo("security.protocol=SASL_SSL (from security.protocol in " + file
                        + "), sasl.mechanism=SCRAM-SHA-256 (from sasl.mechanism in " + file + ")");
    }

    @Test
    void aSaslProtocolFromTheFileGoesWithCredentialsFromTheEnvironment() throws IOException {
        Path file = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_PLAINTEXT\n");

        KafkaClientProperties kafka =
                KafkaClientProperties.of(Map.of("KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_SASL_JAAS_CONFIG", JAAS), file);

        assertThat(kafka.securityProtocol()).contains(SecurityProtocol.SASL_PLAINTEXT);
    }

    @Test
    void aBadValueInTheFileNamesTheFileAndTheKey() throws IOException {
        Path file = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_TLS\n");

        assertThatThrownBy(() -> KafkaClientProperties.of(Map.of(), file))
                .hasMessage("security.protocol in " + file
                        + " 'SASL_TLS' is not valid: expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
    }

    @Test
    void aMissingFileIsRefusedNamingThePath() {
        Path missing = dir.resolve("client.properties");

        assertThatThrownBy(() -> KafkaClientProperties.of(Map.of(), missing))
                .hasMessage("Kafka client settings file " + missing + " does not exist");
    }

    @Test
    void theFileMayNotSetWhatTheToolSetsItself() throws IOException {
        Path brokers = Files.writeString(dir.resolve("brokers.properties"), "bootstrap.servers=kafka:9092\n");
        Path serializer = Files.writeString(
                dir.resolve("serializer.properties"),
                "value.serializer=org.apache.kafka.common.serialization.StringSerializer\n");

        assertThatThrownBy(() -> KafkaClientProperties.of(Map.of(), brokers))
                .hasMessage("bootstrap.servers in " + brokers + " is not taken from the file: give the brokers with"
                        + " KAFKA_BOOTSTRAP_SERVERS (or the tool's --bootstrap-servers)");
        assertThatThrownBy(() -> KafkaClientProperties.of(Map.of(), serializer))
                .hasMessageContaining("value.serializer in " + serializer + " is not taken from the file");
    }

    @Test
    void passwordsOfEveryKindAreSecrets() {
        assertThat(KafkaClientProperties.isSecret("sasl.jaas.config")).isTrue();
        assertThat(KafkaClientProperties.isSecret("ssl.truststore.password")).isTrue();
        assertThat(KafkaClientProperties.isSecret("ssl.keystore.key")).isTrue();
        assertThat(KafkaClientProperties.isSecret("security.protocol")).isFalse();
        assertThat(KafkaClientProperties.isSecret("ssl.truststore.location")).isFalse();
    }

    @Test
    void anAuthenticationFailureIsFoundAmongCausesAndExplainedWithoutSecrets() {
        KafkaClientProperties kafka = KafkaClientProperties.fromEnvironment(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG", JAAS));
        SaslAuthenticationException refused =
                new SaslAuthenticationException("Authentication failed: Invalid username or password");

        assertThat(KafkaClientProperties.authenticationFailure(new RuntimeException("send failed", refused)))
                .containsSame(refused);
        assertThat(KafkaClientProperties.authenticationFailure(new RuntimeException("timeout")))
                .isEmpty();
        assertThat(kafka.authenticationRefused("127.0.0.1:9093", refused))
                .isEqualTo("Kafka at 127.0.0.1:9093 did not authenticate this client with"
                        + " security.protocol=SASL_PLAINTEXT (from KAFKA_SECURITY_PROTOCOL), sasl.mechanism=PLAIN"
                        + " (from KAFKA_SASL_MECHANISM): Authentication failed: Invalid username or password; check"
                        + " the user and password in KAFKA_SASL_JAAS_CONFIG and KAFKA_SASL_MECHANISM (or the"
                        + " --kafka-config file)")
                .doesNotContain(SECRET);
        assertThat(kafka.authenticationRefused(
                        "127.0.0.1:9093",
                        new SslAuthenticationException(
                                "SSL handshake failed", new IllegalStateException("PKIX path building failed"))))
                .contains("SSL handshake failed (PKIX path building failed)", "check KAFKA_SSL_TRUSTSTORE_LOCATION");
    }
}
