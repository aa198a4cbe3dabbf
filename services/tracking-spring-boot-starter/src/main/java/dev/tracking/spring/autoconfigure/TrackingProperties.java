package dev.tracking.spring.autoconfigure;

import dev.tracking.schemas.FactFamily;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code tracking.*} settings of a product service; Kafka itself is configured with Spring Boot's {@code
 * spring.kafka.*} (bootstrap servers, TLS, SASL, producer settings).
 *
 * @param topics topic of each fact family
 * @param schemaRegistry optional schema registry: with a URL, facts are written in the Confluent framing
 * @param outbox the transactional outbox behind {@code FactOutbox.publishAfterCommit}
 * @param health the {@code tracking} health component
 */
@ConfigurationProperties("tracking")
@Validated
public record TrackingProperties(
        @Valid @NotNull @DefaultValue Topics topics,
        @Valid @NotNull @DefaultValue SchemaRegistry schemaRegistry,
        @Valid @NotNull @DefaultValue Outbox outbox,
        @Valid @NotNull @DefaultValue Health health) {

    static final String TOPIC = "[a-zA-Z0-9._-]{1,200}";
    static final String TOPIC_MESSAGE = "must be a Kafka topic name: 1 to 200 letters, digits, '.', '_' or '-'";

    /**
     * Topic of each fact family ({@code tracking.topics.*}), the same keys as the tracking consumer's.
     *
     * @param onboarding topic of the onboarding family
     * @param integrations topic of the integrations family
     * @param engagement topic of the engagement family
     * @param subscriptions topic of the subscriptions family
     * @param profiles topic of the profiles family
     */
    public record Topics(
            @NotBlank @Pattern(regexp = TOPIC, message = TOPIC_MESSAGE) @DefaultValue("facts.onboarding")
            String onboarding,

            @NotBlank @Pattern(regexp = TOPIC, message = TOPIC_MESSAGE) @DefaultValue("facts.integrations")
            String integrations,

            @NotBlank @Pattern(regexp = TOPIC, message = TOPIC_MESSAGE) @DefaultValue("facts.engagement")
            String engagement,

            @NotBlank @Pattern(regexp = TOPIC, message = TOPIC_MESSAGE) @DefaultValue("facts.subscriptions")
            String subscriptions,

            @NotBlank @Pattern(regexp = TOPIC, message = TOPIC_MESSAGE) @DefaultValue("facts.profiles")
            String profiles) {

        /** Topic of each family. */
        public Map<FactFamily, String> byFamily() {
            Map<FactFamily, String> topics = new EnumMap<>(FactFamily.class);
            topics.put(FactFamily.ONBOARDING, onboarding);
            topics.put(FactFamily.INTEGRATIONS, integrations);
            topics.put(FactFamily.ENGAGEMENT, engagement);
            topics.put(FactFamily.SUBSCRIPTIONS, subscriptions);
            topics.put(FactFamily.PROFILES, profiles);
            return topics;
        }
    }

    /**
     * A Confluent-compatible schema registry ({@code tracking.schema-registry.*}).
     *
     * @param url base URL (Confluent, Karapace, Redpanda, or Apicurio's {@code .../apis/ccompat/v7}); empty: no
     *     registry, facts use Avro single-object encoding
     * @param username basic-auth user
     * @param password basic-auth password, never logged
     * @param connectTimeout time to open a connection
     * @param requestTimeout time for one request
     */
    public record SchemaRegistry(
            @Pattern(regexp = "https?://.+", message = "must be an http:// or https:// URL")
            String url,

            String username,
            String password,
            @NotNull @DefaultValue("5s") Duration connectTimeout,
            @NotNull @DefaultValue("10s") Duration requestTimeout) {

        /** Whether a registry is configured. */
        public boolean enabled() {
            return url != null && !url.isBlank();
        }

        public URI uri() {
            return URI.create(url);
        }
    }

    /**
     * The transactional outbox ({@code tracking.outbox.*}): facts recorded in the service's database within its
     * transaction and relayed to Kafka after the commit.
     *
     * @param enabled record facts of {@code publishAfterCommit} in the service's DataSource and relay them (needs a
     *     DataSource and a transaction manager)
     * @param table the outbox table
     * @param initializeSchema create the table and its index at start-up when missing ({@code CREATE TABLE IF NOT
     *     EXISTS}); set false when migrations (Flyway, Liquibase) own the schema
     * @param pollInterval how often the relay looks for facts left behind (a crash, a broker outage) when nothing woke
     *     it; every commit with a fact wakes it at once
     * @param batchSize most facts one relay round locks and sends
     * @param sendTimeout longest wait for Kafka's acknowledgements in one round; what is not acknowledged by then is
     *     retried with the same {@code event_id}
     * @param initialBackoff first pause after a round whose sends failed; doubles up to {@code max-backoff}
     * @param maxBackoff longest pause between failed rounds
     * @param staleAfter health is DOWN while the oldest fact waiting to be sent is older than this
     */
    public record Outbox(
            @DefaultValue("true") boolean enabled,

            @NotBlank
            @Pattern(
                    regexp = "[a-zA-Z_][a-zA-Z0-9_]{0,62}",
                    message = "must be an SQL identifier: a letter or '_', then letters, digits or '_' (at most 63)")
            @DefaultValue("tracking_outbox")
            String table,

            @DefaultValue("true") boolean initializeSchema,
            @NotNull @DefaultValue("5s") Duration pollInterval,
            @Min(1) @Max(10_000) @DefaultValue("200") int batchSize,
            @NotNull @DefaultValue("30s") Duration sendTimeout,
            @NotNull @DefaultValue("500ms") Duration initialBackoff,
            @NotNull @DefaultValue("30s") Duration maxBackoff,
            @NotNull @DefaultValue("5m") Duration staleAfter) {

        public Outbox {
            positive("tracking.outbox.poll-interval", pollInterval);
            positive("tracking.outbox.send-timeout", sendTimeout);
            positive("tracking.outbox.initial-backoff", initialBackoff);
            positive("tracking.outbox.stale-after", staleAfter);
            if (maxBackoff != null && initialBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("tracking.outbox.max-backoff=" + maxBackoff
                        + " must be at least tracking.outbox.initial-backoff=" + initialBackoff);
            }
        }
    }

    /**
     * The {@code tracking} health component ({@code tracking.health.*}).
     *
     * @param brokerTimeout how long the health check waits for the Kafka cluster to answer
     */
    public record Health(@NotNull @DefaultValue("2s") Duration brokerTimeout) {
        public Health {
            positive("tracking.health.broker-timeout", brokerTimeout);
        }
    }

    private static void positive(String key, Duration value) {
        if (value != null && (value.isZero() || value.isNegative())) {
            throw new IllegalArgumentException(key + "=" + value + " must be a positive duration, e.g. 5s or 500ms");
        }
    }
}
