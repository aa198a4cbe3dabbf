package dev.tracking.testkit.redis;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * A Redis Cluster of three masters without replicas, for tests: three {@code redis-server --cluster-enabled yes}
 * processes on 127.0.0.1 (each on a free port, its cluster bus on another), the 16384 slots split evenly with {@code
 * CLUSTER ADDSLOTSRANGE}, joined with {@code CLUSTER MEET}, and ready once every node reports {@code
 * cluster_state:ok} and knows the other two. Each node is a {@link RedisServer}: it only ever stops the processes it
 * started.
 */
public final class RedisCluster implements AutoCloseable {
    private static final int NODES = 3;
    private static final int SLOTS = 16384;
    private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts three nodes, joins them and waits until the cluster is ready.
     *
     * @throws IllegalStateException when {@code redis-server} is not installed or the cluster does not form in time
     *     (the message says which node reported what)
     */
    public static RedisCluster start() {
        return start(RedisServer.Security.none());
    }

    /**
     * Like {@link #start()}, every node with the same password or ACL user ({@link RedisServer.Security}; TLS is not
     * offered for a cluster here). A client authenticates to every node with the credentials of its seed URLs.
     */
    public static RedisCluster start(RedisServer.Security security) {
        if (security.tls() != null) {
            throw new IllegalArgumentException("a test Redis Cluster speaks plain TCP only");
        }
        List<RedisServer> nodes = new ArrayList<>(NODES);
        try {
            for (int i = 0; i < NODES; i++) {
                nodes.add(RedisServer.startClusterNode(security));
            }
            form(nodes);
            return new RedisCluster(nodes);
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e;
        }
    }

    /**
     * Like {@link #start()}, but when {@code redis-server} is not installed prints the reason on stderr and aborts the
     * calling test (reported as skipped, not failed).
     */
    public static RedisCluster startOrSkip() {
        return startOrSkip(RedisServer.Security.none());
    }

    /** Like {@link #start(RedisServer.Security)}, skipping the test when {@code redis-server} is not installed. */
    public static RedisCluster startOrSkip(RedisServer.Security security) {
        if (RedisServer.executable().isEmpty()) {
            String reason = "redis-server is not installed, skipping this test; install it with"
                    + " `apt-get install redis-server`";
            System.err.println(reason);
            return Assumptions.abort(reason);
        }
        return start(security);
    }

    /** The three nodes, in the order of their slot ranges. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** Every node's {@code redis://127.0.0.1:<port>}: the seeds a cluster client starts from. */
    public List<URI> uris() {
        return nodes.stream().map(RedisServer::uri).toList();
    }

    /** Every node's URL with a user (empty for the default user) and password. */
    public List<URI> uris(String user, String password) {
        return nodes.stream().map(node -> node.uri(user, password)).toList();
    }

    /** The same seeds as one comma-separated value, as a property takes them. */
    public String seeds() {
        return uris().stream().map(URI::toString).collect(Collectors.joining(","));
    }

    /** Stops every node and deletes their work directories. */
    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }

    @Override
    public String toString() {
        return "RedisCluster" + nodes;
    }

    private static void form(List<RedisServer> nodes) {
        try {
            for (int i = 0; i < nodes.size(); i++) {
                int first = i * SLOTS / nodes.size();
                int last = (i + 1) * SLOTS / nodes.size() - 1;
                command(nodes.get(i), "CLUSTER", "ADDSLOTSRANGE", Integer.toString(first), Integer.toString(last));
            }
            RedisServer introducer = nodes.get(0);
            for (RedisServer node : nodes.subList(1, nodes.size())) {
                command(
                        introducer,
                        "CLUSTER",
                        "MEET",
                        "127.0.0.1",
                        Integer.toString(node.port()),
                        Integer.toString(node.busPort()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not form a Redis Cluster of " + nodes + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + FORMATION_TIMEOUT.toNanos();
        String lastSeen = "";
        while (System.nanoTime() < deadline) {
            List<String> notReady = new ArrayList<>();
            for (RedisServer node : nodes) {
                String info;
                try {
                    info = command(node, "CLUSTER", "INFO");
                } catch (IOException e) {
                    info = e.getMessage();
                }
                if (!(info.contains("cluster_state:ok")
                        && info.contains("cluster_known_nodes:" + nodes.size())
                        && info.contains("cluster_slots_ok:" + SLOTS))) {
                    notReady.add(node.port() + ": " + summary(info));
                }
            }
            if (notReady.isEmpty()) {
                return;
            }
            lastSeen = String.join("; ", notReady);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while forming a Redis Cluster", e);
            }
        }
        throw new IllegalStateException("the Redis Cluster of " + nodes + " was not ready within "
                + FORMATION_TIMEOUT.toSeconds() + " s; not ready: " + lastSeen);
    }

    private static String command(RedisServer node, String... args) throws IOException {
        String reply = node.command(COMMAND_TIMEOUT, args);
        return reply == null ? "" : reply;
    }

    private static String summary(String info) {
        return info.lines()
                .filter(line -> line.startsWith("cluster_state")
                        || line.startsWith("cluster_known_nodes")
                        || line.startsWith("cluster_slots_ok"))
                .map(String::strip)
                .collect(Collectors.joining(","));
    }
}
