package dev.tracking.client.cli;

import dev.tracking.client.FactPublisher;
import dev.tracking.schemas.FactFamily;
import java.util.Locale;
import java.util.Map;

/**
 * Settings the command line reads from the environment: {@code KAFKA_BOOTSTRAP_SERVERS} (default {@value
 * #DEFAULT_BOOTSTRAP}) and {@code TRACKING_TOPICS_<FAMILY>} to override a family's topic (same names as the consumer).
 */
record CliEnvironment(Map<String, String> env) {
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    String bootstrapServers() {
        String value = env.get("KAFKA_BOOTSTRAP_SERVERS");
        return value == null || value.isBlank() ? DEFAULT_BOOTSTRAP : value.trim();
    }

    FactPublisher.Builder publisher() {
        FactPublisher.Builder builder = FactPublisher.builder()
                .bootstrapServers(bootstrapServers())
                .producerProperty("client.id", "fact-cli")
                .producerProperty("delivery.timeout.ms", "30000")
                .producerProperty("max.block.ms", "30000");
        for (FactFamily family : FactFamily.values()) {
            String topic = env.get("TRACKING_TOPICS_" + family.name().toUpperCase(Locale.ROOT));
            if (topic != null && !topic.isBlank()) {
                builder.topic(family, topic.trim());
            }
        }
        return builder;
    }
}
