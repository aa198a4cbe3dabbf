package dev.tracking.consumer.dedup;

import static dev.tracking.consumer.dedup.DedupStoreContract.SIGNUP_ALICE;
import static dev.tracking.consumer.dedup.DedupStoreContract.SIGNUP_BOB;
import static dev.tracking.consumer.dedup.DedupStoreContract.facts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracking.consumer.config.DedupProperties;
import dev.tracking.consumer.config.DedupProperties.Mode;
import dev.tracking.consumer.config.DedupProperties.TrustStoreType;
import dev.tracking.consumer.dedup.DedupStore.FactKey;
import dev.tracking.testkit.redis.RedisCluster;
import dev.tracking.testkit.redis.RedisServer;
import dev.tracking.testkit.tls.TestCertificate;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RedisDedupStore} against real {@code redis-server}s that authenticate their clients (a password for the default
 * user, an ACL user) and speak TLS (a certificate made for the test), and a Redis Cluster whose nodes want a password:
 * the URL's credentials and the trust store reach Lettuce; a missing or wrong password, or an untrusted certificate,
 * stops start-up with a message that says what to check and never shows a password.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisDedupStoreSecurityIT {
    private static final String PASSWORD = "redis-Pa55-" + UUID.randomUUID();
    private static final String USER = "tracking";
    private static final String USER_PASSWORD = "acl-Pa55-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "not-the-Pa55-" + UUID.randomUUID();
    private static final Duration WINDOW = Duration.ofDays(7);

    @TempDir
    static Path certificates;

    private static RedisServer withPassword;
    private static RedisServer withTls;
    private static TestCertificate certificate;

    private final List<DedupStore> stores = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        withPassword = RedisServer.startOrSkip(
                RedisServer.Security.none().requirePass(PASSWORD).user(USER, USER_PASSWORD));
        certificate = TestCertificate.generate(certificates);
        withTls = RedisServer.startOrSkip(
                RedisServer.Security.none().requirePass(PASSWORD).tls(certificate));
    }

    @AfterAll
    static void stopRedis() {
        if (withPassword != null) {
            withPassword.close();
        }
        if (withTls != null) {
            withTls.close();
        }
    }

    @AfterEach
    void closeStores() {
        stores.forEach(DedupStore::close);
    }

    @Test
    void theDefaultUsersPasswordInTheUrlLogsIn() {
        DedupStore store = connect(settings(withPassword.uri("", PASSWORD)));

        assertRemembers(store);
        assertThat(store.description()).isEqualTo("redis://127.0.0.1:" + withPassword.port());
    }

    @Test
    void anAclUserAndPasswordInTheUrlLogIn() {
        DedupStore store = connect(settings(withPassword.uri(USER, USER_PASSWORD)));

        assertRemembers(store);
        assertThat(store.description()).doesNotContain(USER_PASSWORD);
    }

    @Test
    void withoutAPasswordStartUpStopsSayingWhatToCheck() {
        assertThatThrownBy(() -> connect(settings(withPassword.uri())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Redis at tracking.dedup.redis.url=redis://127.0.0.1:" + withPassword.port()
                        + " refused the connection: NOAUTH")
                .hasMessageContaining("check the user and password in tracking.dedup.redis.url");
    }

    @Test
    void aWrongPasswordStopsStartUpWithoutShowingIt() {
        assertThatThrownBy(() -> connect(settings(withPassword.uri(USER, WRONG_PASSWORD))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused the connection: WRONGPASS")
                .hasMessageNotContaining(WRONG_PASSWORD)
                .hasMessageNotContaining(USER_PASSWORD);
    }

    @Test
    void overTlsTrustingAPkcs12TrustStore() {
        DedupStore store = connect(tlsSettings(
                withTls.uri("", PASSWORD),
                new DedupProperties.Tls(certificate.trustStore(), certificate.password(), TrustStoreType.PKCS12)));

        assertRemembers(store);
        assertThat(store.description()).isEqualTo("rediss://127.0.0.1:" + withTls.port());
    }

    @Test
    void overTlsTrustingAPemCertificateAsRedisOwnCaFile() {
        DedupStore store = connect(tlsSettings(
                withTls.uri("", PASSWORD),
                new DedupProperties.Tls(certificate.certificatePem(), "", TrustStoreType.PEM)));

        assertRemembers(store);
    }

    @Test
    void aCertificateTheJdkDoesNotTrustStopsStartUpNamingTheTrustStore() {
        assertThatThrownBy(() -> connect(tlsSettings(withTls.uri("", PASSWORD), DedupProperties.Tls.NONE)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Redis at tracking.dedup.redis.url=rediss://127.0.0.1:" + withTls.port()
                        + " refused the connection")
                .hasMessageContaining("check tracking.dedup.redis.tls.truststore")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void aTrustStoreForAPlainUrlIsRefused() {
        DedupProperties.Redis settings = tlsSettings(
                withPassword.uri("", PASSWORD),
                new DedupProperties.Tls(certificate.certificatePem(), "", TrustStoreType.PEM));

        assertThatThrownBy(() -> connect(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tracking.dedup.redis.tls.truststore is set but tracking.dedup.redis.url=redis://127.0.0.1:"
                        + withPassword.port() + " does not use TLS: expected rediss://host:port")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void aWrongTrustStorePasswordIsRefusedNamingTheSetting() {
        DedupProperties.Redis settings = tlsSettings(
                withTls.uri("", PASSWORD),
                new DedupProperties.Tls(certificate.trustStore(), WRONG_PASSWORD, TrustStoreType.PKCS12));

        assertThatThrownBy(() -> connect(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tracking.dedup.redis.tls.truststore-password does not open " + certificate.trustStore());
    }

    @Test
    void aClusterWhoseNodesWantAPasswordIsReachedWithTheSeedsCredentials() {
        try (RedisCluster cluster =
                RedisCluster.startOrSkip(RedisServer.Security.none().requirePass(PASSWORD))) {
            DedupStore store = connect(new DedupProperties.Redis(
                    cluster.uris("", PASSWORD),
                    Mode.CLUSTER,
                    Duration.ofSeconds(2),
                    "tracking:",
                    16,
                    Duration.ofDays(400),
                    DedupProperties.Tls.NONE));

            List<FactKey> many = facts("cluster-fact", 500); // spread over the three nodes' slots
            store.markDelivered(many);

            assertThat(store.delivered(many)).hasSize(500);
            assertThat(store.description())
                    .isEqualTo(cluster.seeds() + " (cluster)")
                    .doesNotContain(PASSWORD);
        }
    }

    private DedupStore connect(DedupProperties.Redis settings) {
        DedupStore store = RedisDedupStore.connect(settings, WINDOW);
        stores.add(store);
        return store;
    }

    private static void assertRemembers(DedupStore store) {
        store.markDelivered(List.of(SIGNUP_ALICE));

        assertThat(store.delivered(List.of(SIGNUP_ALICE, SIGNUP_BOB))).containsExactly(SIGNUP_ALICE);
    }

    private static DedupProperties.Redis settings(URI url) {
        return tlsSettings(url, DedupProperties.Tls.NONE);
    }

    private static DedupProperties.Redis tlsSettings(URI url, DedupProperties.Tls tls) {
        return new DedupProperties.Redis(
                List.of(url), Mode.STANDALONE, Duration.ofSeconds(2), "tracking:", 16, Duration.ofDays(400), tls);
    }
}
