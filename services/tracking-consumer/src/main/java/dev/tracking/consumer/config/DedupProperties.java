package dev.tracking.consumer.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * De-duplication and the durable state of mapping ({@code tracking.dedup.*}).
 *
 * @param store {@code memory} (bounded, lost on restart; the embedded default) or {@code redis} (production)
 * @param window how long a delivered fact id is remembered; a fact seen again within it is skipped
 * @param memory settings of the in-memory store
 * @param redis settings of the Redis store
 * @param onUnavailable what to do when the store cannot be reached
 */
@ConfigurationProperties("tracking.dedup")
@Validated
public record DedupProperties(
        @NotNull @DefaultValue("memory") Store store,
        @NotNull @DefaultValue("7d") Duration window,
        @Valid @NotNull @DefaultValue Memory memory,
        @Valid @NotNull @DefaultValue Redis redis,
        @NotNull @DefaultValue("pause") OnUnavailable onUnavailable) {

    public DedupProperties {
        if (window != null && (window.isNegative() || window.isZero())) {
            throw new IllegalArgumentException("tracking.dedup.window=" + window + " must be positive, such as 7d");
        }
    }

    /** Which store keeps delivered fact ids and mapping state. */
    public enum Store {
        MEMORY,
        REDIS
    }

    /** Behaviour when the store is unreachable. */
    public enum OnUnavailable {
        /** Stop delivering (the batch is retried with back-off) until the store is back: no duplicate, no loss. */
        PAUSE,
        /**
         * Deliver without de-duplication and milestone state, relying on PostHog's merge of identical (event,
         * distinct_id, uuid, day): no loss and no pause, but a milestone may repeat and a stale group update may pass.
         */
        FAIL_OPEN
    }

    /**
     * @param maxEntries most fact ids remembered (about 28 bytes of heap each at the default), and most milestone
     *     claims and group clocks; the oldest are forgotten first
     */
    public record Memory(@Min(1000) @DefaultValue("1000000") int maxEntries) {}

    /** How the Redis store reaches Redis. */
    public enum Mode {
        /** One server (or a primary with replicas behind one address): {@code url} names it. */
        STANDALONE,
        /** Redis Cluster: {@code url} lists seed nodes, the client discovers the rest. */
        CLUSTER
    }

    /**
     * @param url Redis URL, {@code redis://[[user:]password@]host[:port][/db]} or {@code rediss://} for TLS; in
     *     cluster mode a comma-separated list of seed nodes, {@code redis://host1:port,redis://host2:port}. The
     *     password is never logged: messages show {@code scheme://host:port} only
     * @param mode {@code standalone} or {@code cluster}
     * @param timeout time allowed for one operation of the store (all its Redis commands)
     * @param keyPrefix prefix of every key this service writes (no braces: the store adds a cluster hash tag)
     * @param shards hash-tag groups every key is spread over (one Redis command per group an operation touches);
     *     at least the number of cluster masters. Changing it forgets what the store remembered
     * @param stateTtl how long a milestone claim or group clock is kept after the last fact that touched it
     * @param tls whom a {@code rediss://} server is trusted for
     */
    public record Redis(
            @NotNull @DefaultValue("redis://127.0.0.1:6379") List<URI> url,
            @NotNull @DefaultValue("standalone") Mode mode,
            @NotNull @DefaultValue("2s") Duration timeout,
            @NotNull @DefaultValue("tracking:") String keyPrefix,
            @Min(1) @Max(1024) @DefaultValue("16") int shards,
            @NotNull @DefaultValue("400d") Duration stateTtl,
            @Valid @NotNull @DefaultValue Tls tls) {

        /** A standalone Redis at {@code url} with the other settings at their defaults. */
        public static Redis standalone(URI url) {
            return new Redis(
                    List.of(url),
                    Mode.STANDALONE,
                    Duration.ofSeconds(2),
                    "tracking:",
                    16,
                    Duration.ofDays(400),
                    Tls.NONE);
        }

        /** Without passwords: each URL as {@code scheme://host:port}. */
        @Override
        public String toString() {
            return "Redis[url="
                    + url.stream()
                            .map(u -> u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()))
                            .toList()
                    + ", mode=" + mode + ", timeout=" + timeout + ", keyPrefix=" + keyPrefix + ", shards=" + shards
                    + ", stateTtl=" + stateTtl + ", tls=" + tls + "]";
        }
    }

    /** Format of a trust store. */
    public enum TrustStoreType {
        PKCS12,
        JKS,
        /** One or more X.509 certificates in PEM ({@code -----BEGIN CERTIFICATE-----}), as Redis' own CA files are. */
        PEM
    }

    /**
     * @param truststore the CA certificates a {@code rediss://} server's certificate is checked against (host name
     *     included); unset means the JDK's trusted CAs, which is right for a managed Redis with a public certificate
     * @param truststorePassword password of a PKCS12 or JKS trust store; never logged
     * @param truststoreType {@code pkcs12}, {@code jks} or {@code pem}
     */
    public record Tls(
            Path truststore,
            @DefaultValue("") String truststorePassword,
            @NotNull @DefaultValue("pkcs12") TrustStoreType truststoreType) {
        /** The JDK's trusted CAs. */
        public static final Tls NONE = new Tls(null, "", TrustStoreType.PKCS12);

        @Override
        public String toString() {
            return "Tls[truststore=" + truststore + ", truststoreType=" + truststoreType + "]";
        }
    }
}
