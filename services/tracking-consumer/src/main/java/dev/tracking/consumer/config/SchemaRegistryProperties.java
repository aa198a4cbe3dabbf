package dev.tracking.consumer.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The schema registry the consumer resolves Confluent-framed facts with ({@code tracking.schema-registry.*}). Without a
 * URL the consumer reads Avro single-object encoding only (the embedded default, writer schemas from the schemas jar);
 * with one it reads both framings, fetching each writer schema once by its id. A registry that cannot be reached never
 * dead-letters a record: the batch is retried until it answers. A registry that answers but refuses (401, 403), or a URL
 * where no registry API answers, stops start-up (it is probed then) or consumption. A writer schema nobody knows yet
 * (an id the registry answers "not found" for, a fingerprint not in the schemas jar) holds its records back for {@code
 * unknown-schema-hold} before they are dead-lettered.
 *
 * @param url base URL of the registry's Confluent REST API, e.g. {@code http://127.0.0.1:8081} (Confluent, Karapace,
 *     Redpanda) or {@code http://127.0.0.1:8080/apis/ccompat/v7} (Apicurio); empty means no registry. A user-info part
 *     ({@code https://key:secret@host}) is used as basic auth and never logged
 * @param username basic-auth user (a cloud registry's API key); empty means no authentication
 * @param password basic-auth password (the API secret); never logged
 * @param connectTimeout time allowed to open a connection to the registry
 * @param requestTimeout time allowed for one registry request, from sending to the answer
 * @param unknownSchemaHold how long records naming an unknown writer schema (registry id or single-object fingerprint,
 *     with or without a registry) are held and retried, counted from the first such record, before they are
 *     dead-lettered as {@code decode}; covers a schema registered just after its first records, a registry replica
 *     catching up, a producer deployed with a newer schemas jar before the consumer. Their partition waits meanwhile.
 *     {@code 0} dead-letters them at once
 * @param retry in-place retries of one registry request before the batch is handed back to the container
 * @param tls trust settings for an {@code https} registry
 */
@ConfigurationProperties("tracking.schema-registry")
@Validated
public record SchemaRegistryProperties(
        @HttpUrl URI url,
        @DefaultValue("") String username,
        @DefaultValue("") String password,
        @NotNull @DefaultValue("5s") Duration connectTimeout,
        @NotNull @DefaultValue("10s") Duration requestTimeout,
        @NotNull @DurationMin @DefaultValue("10m") Duration unknownSchemaHold,

        @Valid @NotNull @DefaultValue Retry retry,
        @Valid @NotNull @DefaultValue Tls tls) {

    public SchemaRegistryProperties {
        if (url != null && url.toString().isBlank()) {
            url = null; // SCHEMA_REGISTRY_URL= (empty) means "no registry"
        }
        requirePositive("connect-timeout", connectTimeout);
        requirePositive("request-timeout", requestTimeout);
    }

    private static void requirePositive(String key, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException(
                    "tracking.schema-registry." + key + "=" + value + " must be positive, such as 5s");
        }
    }

    /** Whether basic auth is configured explicitly (it may also come from the URL's user-info). */
    public boolean basicAuth() {
        return username != null && !username.isBlank();
    }

    /**
     * @param maxAttempts attempts of one request, the first included (connection errors, timeouts, 5xx and 429 are
     *     retried; other answers are not)
     * @param initialBackoff wait after the first failed attempt, doubling after each further one
     * @param maxBackoff longest wait between attempts
     */
    public record Retry(
            @Min(1) @Max(10) @DefaultValue("3") int maxAttempts,
            @NotNull @DefaultValue("200ms") Duration initialBackoff,
            @NotNull @DefaultValue("2s") Duration maxBackoff) {

        public Retry {
            if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("tracking.schema-registry.retry.max-backoff=" + maxBackoff
                        + " is shorter than tracking.schema-registry.retry.initial-backoff=" + initialBackoff);
            }
        }
    }

    /**
     * @param truststore trust store with the registry's CA (PKCS12 or JKS); unset means the JDK's trusted CAs
     * @param truststorePassword password of the trust store; never logged
     * @param truststoreType {@code PKCS12} or {@code JKS}
     */
    public record Tls(
            Path truststore,
            @DefaultValue("") String truststorePassword,
            @NotBlank @DefaultValue("PKCS12") String truststoreType) {

        @Override
        public String toString() {
            return "Tls[truststore=" + truststore + ", truststoreType=" + truststoreType + "]";
        }
    }

    /** Without the password, and the URL without its user-info: safe to log. */
    @Override
    public String toString() {
        String shown = url == null || url.getRawUserInfo() == null
                ? String.valueOf(url)
                : url.toString().replace(url.getRawUserInfo() + "@", "***@");
        return "SchemaRegistryProperties[url=" + shown + ", username=" + username + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", unknownSchemaHold=" + unknownSchemaHold + ", retry=" + retry
                + ", tls=" + tls + "]";
    }
}
