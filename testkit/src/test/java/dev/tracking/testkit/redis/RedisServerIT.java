package dev.tracking.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
