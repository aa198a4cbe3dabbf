package dev.tracking.consumer.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tracking.consumer.config.DedupProperties;
import dev.tracking.consumer.config.DedupProperties.Mode;
import dev.tracking.consumer.dedup.DedupStore.FactKey;
import dev.tracking.testkit.redis.RedisCluster;
import dev.tracking.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RedisDedupStore} against a Redis Cluster of three local {@code redis-server} masters (skipped when it is not
 * installed): the shared contract (a cluster refuses any command whose keys span slots, so passing it shows every
 * command stays within one hash tag), keys spread over every node, and a node going away and coming back.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisDedupStoreClusterIT extends DedupStoreContract {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration NEVER_HANGS = TIMEOUT.multipliedBy(5);

    private static RedisCluster cluster;
    private static final List<RedisClient> nodeClients = new ArrayList<>();
    private static final List<StatefulRedisConnection<String, String>> nodeConnections = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.startOrSkip();
        for (RedisServer node : cluster.nodes()) {
            RedisClient client = RedisClient.create(RedisURI.create(node.uri()));
            nodeClients.add(client);
            nodeConnections.add(client.connect());
        }
    }

    @AfterAll
    static void stopCluster() {
        nodeConnections.forEach(StatefulRedisConnection::close);
        nodeClients.forEach(RedisClient::shutdown);
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void emptyCluster() {
        nodes().forEach(RedisCommands::flushall);
    }

    @Override
    protected DedupStore newStore(Duration window) {
        return RedisDedupStore.connect(settings(), window);
    }

    @Override
    protected void letTimePass(Duration duration) {
        RedisClock.awaitPassed(duration, nodes());
    }

    @Override
    protected Duration shortWindow() {
        return Duration.ofSeconds(1);
    }

    private static DedupProperties.Redis settings() {
        return new DedupProperties.Redis(
                cluster.uris(), Mode.CLUSTER, TIMEOUT, "tracking:", 16, Duration.ofDays(400), DedupProperties.Tls.NONE);
    }

    @Test
    void spreadsItsKeysOverEveryNode() {
        DedupStore store = store();
        Map<String, String> claims = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            claims.put("first_view:user-" + i, "view-" + i);
        }

        store.markDelivered(facts("fact", 5000));
        store.claim(claims);

        assertThat(nodes()).allSatisfy(node -> assertThat(node.dbsize()).isGreaterThan(10L));
    }

    @Test
    void describesItselfByItsSeeds() {
        assertThat(store().description()).isEqualTo(cluster.seeds() + " (cluster)");
    }

    @Test
    void runsItsScriptsAgainAfterEveryNodeForgetsThem() {
        DedupStore store = store();
        store.markDelivered(List.of(SIGNUP_ALICE));
        store.claim(Map.of("first_view:alice", "view-1"));

        nodes().forEach(RedisCommands::scriptFlush);

        assertThat(store.delivered(List.of(SIGNUP_ALICE, SIGNUP_BOB))).containsExactly(SIGNUP_ALICE);
        store.markDelivered(List.of(SIGNUP_BOB));
        assertThat(store.claim(Map.of("first_view:alice", "view-2")))
                .containsExactly(Map.entry("first_view:alice", "view-1"));
    }

    @Test
    void failsPromptlyWhileANodeIsDownAndRecoversWhenItIsBack() {
        DedupStore store = store();
        List<FactKey> facts = facts("fact", 200); // in every shard, so on every node
        store.markDelivered(facts);
        RedisServer third = cluster.nodes().get(2);

        third.kill();
        try {
            assertTimeoutPreemptively(
                    NEVER_HANGS,
                    () -> assertThatThrownBy(() -> store.delivered(facts))
                            .isInstanceOf(DedupStoreUnavailableException.class)
                            .hasMessageContaining("(cluster): delivered of 200 keys"));
        } finally {
            third.restartOnSamePort(); // same node id and slots (nodes.conf), no data
        }

        await("the store answers again once the node is back and the cluster is whole")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreException(DedupStoreUnavailableException.class)
                .untilAsserted(() -> store.markDelivered(facts));
        assertThat(store.delivered(facts)).hasSize(200);
    }

    private static List<RedisCommands<String, String>> nodes() {
        return nodeConnections.stream().map(StatefulRedisConnection::sync).toList();
    }
}
