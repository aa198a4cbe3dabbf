package dev.tracking.client.cli;

import dev.tracking.client.FactPublisher;
import dev.tracking.client.kafka.KafkaClientProperties;
import dev.tracking.client.registry.HttpSchemaRegistryClient;
import dev.tracking.client.registry.SchemaRegistryClient;
import dev.tracking.client.registry.SubjectNameStrategy;
import dev.tracking.schemas.FactFamily;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Settings the command line reads from the environment: {@code KAFKA_BOOTSTRAP_SERVERS} (default {@value
 * #DEFAULT_BOOTSTRAP}) and {@code TRACKING_TOPICS_<FAMILY>} to override a family's topic (same names as the consumer).
 * With {@code SCHEMA_REGISTRY_URL} facts are published in the Confluent framing, schemas registered with that registry
 * ({@code SCHEMA_REGISTRY_USER}/{@code SCHEMA_REGISTRY_PASSWORD} for basic auth, {@code SCHEMA_REGISTRY_TRUSTSTORE}/
 * {@code SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD} for a PKCS12 or JKS trust store, {@code
 * SCHEMA_REGISTRY_SUBJECT_STRATEGY} = {@code topic-record} (default), {@code record} or {@code topic}). Kafka's
 * security settings come from {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*} and {@code KAFKA_SSL_*} (see {@link
 * KafkaClientProperties}), and a command's {@code --kafka-config} file.
 */
public record CliEnvironment(Map<String, String> env) {
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    public String bootstrapServers() {
        String value = env.get("KAFKA_BOOTSTRAP_SERVERS");
        return value == null || value.isBlank() ? DEFAULT_BOOTSTRAP : value.trim();
    }

    /**
     * The Kafka client settings of the environment with those of {@code configFile} (or null) on top.
     *
     * @throws IllegalArgumentException naming the variable, or the file and key, that is not valid
     */
    public KafkaClientProperties kafka(Path configFile) {
        return KafkaClientProperties.of(env, configFile);
    }

    /** A publisher to {@link #bootstrapServers()} with the command line's timeouts and {@code kafka}'s settings. */
    FactPublisher.Builder publisher(KafkaClientProperties kafka) {
        FactPublisher.Builder builder = FactPublisher.builder()
                .bootstrapServers(bootstrapServers())
                .producerProperty("client.id", "fact-cli")
                // Kafka refuses delivery.timeout.ms < linger.ms + request.timeout.ms, so both are set together
                .producerProperty("request.timeout.ms", "20000")
                .producerProperty("delivery.timeout.ms", "30000")
                .producerProperty("max.block.ms", "30000")
                .producerProperties(kafka.asMap());
        topics().forEach(builder::topic);
        schemaRegistry().ifPresent(registry -> builder.schemaRegistry(registry, subjectStrategy()));
        return builder;
    }

    /** Topic of each family: {@code TRACKING_TOPICS_<FAMILY>} or the default. */
    public Map<FactFamily, String> topics() {
        Map<FactFamily, String> topics = new EnumMap<>(FactFamily.class);
        for (FactFamily family : FactFamily.values()) {
            String topic = env.get("TRACKING_TOPICS_" + family.name().toUpperCase(Locale.ROOT));
            topics.put(family, topic == null || topic.isBlank() ? family.defaultTopic() : topic.trim());
        }
        return topics;
    }

    /**
     * The registry client of {@code SCHEMA_REGISTRY_*}, or empty when {@code SCHEMA_REGISTRY_URL} is not set.
     *
     * @throws IllegalArgumentException naming the variable that is not valid (never showing a password)
     */
    public Optional<SchemaRegistryClient> schemaRegistry() {
        String url = value("SCHEMA_REGISTRY_URL");
        if (url == null) {
            return Optional.empty();
        }
        HttpSchemaRegistryClient.Builder builder;
        try {
            builder = HttpSchemaRegistryClient.builder(URI.create(url));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SCHEMA_REGISTRY_URL '" + url.replaceAll("//[^/@]*@", "//***@")
                    + "' is not valid: expected an http or https URL such as http://127.0.0.1:8081");
        }
        String user = value("SCHEMA_REGISTRY_USER");
        if (user != null) {
            String password = env.get("SCHEMA_REGISTRY_PASSWORD");
            builder.basicAuth(user, password == null ? "" : password);
        }
        String trustStore = value("SCHEMA_REGISTRY_TRUSTSTORE");
        if (trustStore != null) {
            String password = env.get("SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD");
            String type = trustStore.toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
            try {
                builder.trustStore(Path.of(trustStore), password == null ? null : password.toCharArray(), type);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("SCHEMA_REGISTRY_TRUSTSTORE: " + e.getMessage(), e);
            }
        }
        return Optional.of(builder.build());
    }

    /** {@code SCHEMA_REGISTRY_SUBJECT_STRATEGY}, default {@link SubjectNameStrategy#DEFAULT}. */
    SubjectNameStrategy subjectStrategy() {
        String value = value("SCHEMA_REGISTRY_SUBJECT_STRATEGY");
        try {
            return value == null ? SubjectNameStrategy.DEFAULT : SubjectNameStrategy.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SCHEMA_REGISTRY_SUBJECT_STRATEGY: " + e.getMessage(), e);
        }
    }

    private String value(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
