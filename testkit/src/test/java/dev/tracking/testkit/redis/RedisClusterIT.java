package dev.tracking.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RedisClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @Test
    void formsAClusterOfThreeMastersOwningEverySlot() throws IOException {
        try (RedisCluster cluster = RedisCluster.startOrSkip()) {
            assertThat(cluster.nodes()).hasSize(3);
            Set<Integer> ports = new HashSet<>();
            for (RedisServer node : cluster.nodes()) {
                ports.add(node.port());
                String info = RedisServer.command(node.port(), TIMEOUT, "CLUSTER", "INFO");
                assertThat(info)
                        .contains("cluster_state:ok")
                        .contains("cluster_known_nodes:3")
                        .contains("cluster_slots_assigned:16384")
                        .contains("cluster_size:3");
            }
            assertThat(ports).hasSize(3);
            assertThat(cluster.seeds()).startsWith("redis://127.0.0.1:").contains(",");
        }
    }

    @Test
    void eachNodeServesItsOwnSlotsAndRedirectsTheOthers() throws IOException {
        try (RedisCluster cluster = RedisCluster.startOrSkip()) {
            // "a" hashes to slot 15495, the third node's range (10923-16383)
            int third = cluster.nodes().get(2).port();
            int first = cluster.nodes().get(0).port();

            assertThat(RedisServer.command(third, TIMEOUT, "SET", "a", "1")).isEqualTo("OK");
            assertThatThrownBy(() -> RedisServer.command(first, TIMEOUT, "GET", "a"))
                    .hasMessageContaining("MOVED 15495 127.0.0.1:" + third);
        }
    }

    @Test
    void stopsEveryNodeItStarted() {
        RedisCluster cluster = RedisCluster.startOrSkip();

        cluster.close();

        assertThat(cluster.nodes()).noneMatch(RedisServer::isRunning).noneMatch(RedisServer::ping);
    }
}
