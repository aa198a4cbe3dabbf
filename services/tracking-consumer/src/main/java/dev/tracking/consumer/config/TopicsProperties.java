package dev.tracking.consumer.config;

import dev.tracking.schemas.FactFamily;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Topics the consumer reads and writes ({@code tracking.topics.*}): one source topic per fact family, and beside each a
 * dead-letter topic named {@code <topic><dead-letter-suffix>}.
 *
 * @param onboarding source topic of the onboarding family
 * @param integrations source topic of the integrations family
 * @param engagement source topic of the engagement family
 * @param subscriptions source topic of the subscriptions family
 * @param profiles source topic of the profiles family
 * @param deadLetterSuffix appended to a source topic to name its dead-letter topic
 * @param create create missing source and dead-letter topics at start-up (handy locally; production usually
 *     provisions topics and sets this to false). An existing topic is never changed
 * @param partitions partitions of topics created at start-up; unset means the broker's {@code num.partitions}
 * @param replicationFactor replication factor of topics created at start-up; unset means the broker's {@code
 *     default.replication.factor}
 */
@ConfigurationProperties("tracking.topics")
@Validated
public record TopicsProperties(
        @NotBlank @Pattern(regexp = TOPIC, message = TOPIC_MESSAGE) @DefaultValue("facts.onboarding")
        String onboarding,

        @NotBlank @Pattern(regexp = TOPIC, message = TOPIC_MESSAGE) @DefaultValue("facts.integrations")
        String integrations,

        @NotBlank @Pattern(regexp = TOPIC, message = TOPIC_MESSAGE) @DefaultValue("facts.engagement")
        String engagement,

        @NotBlank @Pattern(regexp = TOPIC, message = TOPIC_MESSAGE) @DefaultValue("facts.subscriptions")
        String subscriptions,

        @NotBlank @Pattern(regexp = TOPIC, message = TOPIC_MESSAGE) @DefaultValue("facts.profiles")
        String profiles,

        @NotBlank @Pattern(regexp = "[a-zA-Z0-9._-]+", message = TOPIC_MESSAGE) @DefaultValue("-dlt")
        String deadLetterSuffix,

        @DefaultValue("true") boolean create,
        @Min(1) @Max(10_000) Integer partitions,
        @Min(1) @Max(10) Short replicationFactor) {

    static final String TOPIC = "[a-zA-Z0-9._-]{1,200}";
    static final String TOPIC_MESSAGE = "must be a Kafka topic name: letters, digits, '.', '_' or '-'";

    /** Source topic of each family. */
    public Map<FactFamily, String> byFamily() {
        Map<FactFamily, String> topics = new EnumMap<>(FactFamily.class);
        topics.put(FactFamily.ONBOARDING, onboarding);
        topics.put(FactFamily.INTEGRATIONS, integrations);
        topics.put(FactFamily.ENGAGEMENT, engagement);
        topics.put(FactFamily.SUBSCRIPTIONS, subscriptions);
        topics.put(FactFamily.PROFILES, profiles);
        return topics;
    }

    /** Every source topic. */
    public List<String> sources() {
        return List.copyOf(byFamily().values());
    }

    /** The dead-letter topic of a source topic. */
    public String deadLetterTopicOf(String source) {
        return source + deadLetterSuffix;
    }
}
