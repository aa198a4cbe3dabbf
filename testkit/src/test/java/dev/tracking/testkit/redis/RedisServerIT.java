package dev.tracking.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracking.testkit.tls.TestCertificate;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RedisServerIT {

    @Test
    void startsAnsweringPingOnLoopbackAndStops() {
        try (RedisServer redis = RedisServer.startOrSkip()) {
            assertThat(redis.ping()).isTrue();
            assertThat(redis.uri()).hasToString("redis://127.0.0.1:" + redis.port());

            redis.stop();

            assertThat(redis.isRunning()).isFalse();
            assertThat(redis.ping()).isFalse();
        }
    }

    @Test
    void aServerWithAPasswordAndAUserAnswersOnlyThoseWhoAuthenticate() throws Exception {
        RedisServer.Security security =
                RedisServer.Security.none().requirePass("default-secret").user("tracking", "user-secret");
        try (RedisServer redis = RedisServer.startOrSkip(security)) {
            assertThat(redis.ping()).as("PING after AUTH tracking user-secret").isTrue();
            assertThat(redis.command(Duration.ofSeconds(1), "ACL", "WHOAMI")).isEqualTo("tracking");
            assertThat(redis.uri("tracking", "user-secret"))
                    .hasToString("redis://tracking:user-secret@127.0.0.1:" + redis.port());

            assertThatThrownBy(() -> RedisServer.command(redis.port(), Duration.ofSeconds(1), "PING"))
                    .hasMessageContaining("NOAUTH");
        }
    }

    @Test
    void aTlsServerAnswersOverTlsOnly(@TempDir Path dir) {
        TestCertificate certificate = TestCertificate.generate(dir);
        try (RedisServer redis =
                RedisServer.startOrSkip(RedisServer.Security.none().tls(certificate))) {
            assertThat(redis.ping())
                    .as("PING over TLS, the certificate trusted")
                    .isTrue();
            assertThat(redis.uri()).hasToString("rediss://127.0.0.1:" + redis.port());

            assertThatThrownBy(() -> RedisServer.command(redis.port(), Duration.ofSeconds(1), "PING"))
                    .as("plain TCP to the TLS port")
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void restartsOnTheSamePortWithAnEmptyDataset() throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip()) {
            int port = redis.port();
            assertThat(RedisServer.command(port, Duration.ofSeconds(1), "SET", "fact:1", "delivered"))
                    .isEqualTo("OK");

            redis.kill();
            assertThat(redis.ping()).isFalse();
            redis.restartOnSamePort();

            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.ping()).isTrue();
            assertThat(RedisServer.command(port, Duration.ofSeconds(1), "GET", "fact:1"))
                    .isNull();
        }
    }

    @Test
    void refusesToRestartOnAPortSomeoneElseTook() throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip()) {
            int port = redis.port();
            redis.stop();
            try (java.net.ServerSocket intruder =
                    new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                org.assertj.core.api.Assertions.assertThatThrownBy(redis::restartOnSamePort)
                        .hasMessageContaining("did not start");
            }
            assertThat(redis.isRunning()).isFalse();
        }
    }

    @Test
    void twoServersGetDifferentPorts() {
        try (RedisServer first = RedisServer.startOrSkip();
                RedisServer second = RedisServer.startOrSkip()) {
            assertThat(first.port()).isNotEqualTo(second.port());
            first.stop();
            assertThat(second.ping()).isTrue();
        }
    }
}
