package dev.tracking.consumer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The consumer's Kafka security variables, as the environment of a process would hold them, down to the settings every
 * Kafka client Spring Boot builds receives ({@link KafkaProperties#buildConsumerProperties()} and friends).
 */
class KafkaSecurityEnvironmentTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"tracking-consumer\" password=\"jaas-Pa55\";";

    @TempDir
    Path dir;

    @Test
    void withoutVariablesNothingIsSetAndKafkasDefaultsStay() {
        StandardEnvironment environment = environment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));

        new KafkaSecurityEnvironment().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getPropertySources().contains(KafkaSecurityEnvironment.SOURCE))
                .isFalse();
        assertThat(kafka(environment).buildConsumerProperties())
                .doesNotContainKeys(
                        "security.protocol", "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.location");
    }

    @Test
    void everyVariableReachesTheKafkaClientsConfiguration() throws IOException {
        Path trustStore = Files.writeString(dir.resolve("truststore.p12"), "read by Kafka, not here");
        Path keyStore = Files.writeString(dir.resolve("keystore.p12"), "read by Kafka, not here");
        StandardEnvironment environment = environment(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_TRUSTSTORE_LOCATION", trustStore.toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-Pa55",
                "KAFKA_SSL_KEYSTORE_LOCATION", keyStore.toString(),
                "KAFKA_SSL_KEYSTORE_PASSWORD", "keystore-Pa55",
                "KAFKA_SSL_KEY_PASSWORD", "key-Pa55"));

        new KafkaSecurityEnvironment().postProcessEnvironment(environment, new SpringApplication());

        KafkaProperties kafka = kafka(environment);
        Map<String, Object> expected = Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.location", trustStore.toAbsolutePath().toString(),
                "ssl.truststore.password", "trust-Pa55",
                "ssl.keystore.location", keyStore.toAbsolutePath().toString(),
                "ssl.keystore.password", "keystore-Pa55",
                "ssl.key.password", "key-Pa55");
        assertThat(kafka.buildConsumerProperties()).containsAllEntriesOf(expected);
        assertThat(kafka.buildProducerProperties()).containsAllEntriesOf(expected);
        assertThat(kafka.buildAdminProperties()).containsAllEntriesOf(expected);
    }

    @Test
    void springBootsOwnKeyWinsOverTheVariable() {
        StandardEnvironment environment = environment(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_JAAS_CONFIG", JAAS));

        new KafkaSecurityEnvironment().postProcessEnvironment(environment, new SpringApplication());

        assertThat(kafka(environment).buildConsumerProperties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void aBadValueStopsStartUpNamingTheVariableAndWhatIsValid() {
        StandardEnvironment environment = environment(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_TLS"));

        assertThatThrownBy(() ->
                        new KafkaSecurityEnvironment().postProcessEnvironment(environment, new SpringApplication()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KAFKA_SECURITY_PROTOCOL 'SASL_TLS' is not valid: expected one of PLAINTEXT, SSL,"
                        + " SASL_PLAINTEXT, SASL_SSL");
    }

    /** An environment whose system environment is {@code variables}, as a process's would be. */
    private static StandardEnvironment environment(Map<String, String> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new HashMap<>(variables)));
        return environment;
    }

    private static KafkaProperties kafka(StandardEnvironment environment) {
        return Binder.get(environment)
                .bind("spring.kafka", KafkaProperties.class)
                .orElseGet(KafkaProperties::new);
    }
}
