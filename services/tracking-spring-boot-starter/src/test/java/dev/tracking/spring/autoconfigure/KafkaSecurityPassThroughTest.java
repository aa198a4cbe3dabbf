package dev.tracking.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.FactPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A service's SASL and TLS settings reach the starter's producer (the {@code FactPublisher} and its outbox relay) and
 * its health check's admin client, given as Spring Boot's own keys in their environment form, as a service deployed
 * beside the tracking consumer sets them ({@code SPRING_KAFKA_SECURITY_PROTOCOL}, {@code
 * SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG}, {@code SPRING_KAFKA_SSL_TRUST_STORE_LOCATION}, ...).
 */
class KafkaSecurityPassThroughTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"signup-service\" password=\"service-Pa55\";";

    @TempDir
    Path dir;

    @Test
    void saslAndTlsFromTheEnvironmentReachTheProducerAndTheHealthCheck() throws IOException {
        Path trustStore = Files.writeString(dir.resolve("truststore.p12"), "read by Kafka, not here");
        StandardEnvironment environment = environment(Map.of(
                "SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9093",
                "SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
                "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", JAAS,
                "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION", "file:" + trustStore,
                "SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD", "trust-Pa55"));
        Binder binder = Binder.get(environment);
        KafkaProperties kafka =
                binder.bind("spring.kafka", KafkaProperties.class).get();
        TrackingProperties tracking = binder.bindOrCreate("tracking", TrackingProperties.class);
        Map<String, Object> expected = Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.location", trustStore.toAbsolutePath().toString(),
                "ssl.truststore.password", "trust-Pa55");

        Map<String, Object> producer = TrackingAutoConfiguration.producerProperties(kafka, tracking);

        assertThat(producer).containsAllEntriesOf(expected);
        assertThat(kafka.buildAdminProperties())
                .as("the health check's admin client")
                .containsAllEntriesOf(expected);
        FactPublisher.Builder publisher = FactPublisher.builder();
        producer.forEach(publisher::producerProperty); // the publisher takes every one of them
    }

    /** An environment whose system environment is {@code variables}, as a process's would be. */
    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        return environment;
    }
}
