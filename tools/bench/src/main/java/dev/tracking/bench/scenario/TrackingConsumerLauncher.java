package dev.tracking.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.bench.data.BenchTopics;
import dev.tracking.bench.run.ChildJvm;
import dev.tracking.schemas.FactFamily;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The packaged tracking consumer ({@code java -Xmx256m -jar tracking-consumer.jar}), configured only through its
 * documented properties: bootstrap servers, group, PostHog host and key, the topics of the run, the partitions of the
 * dead-letter topics it creates, and {@code server.port} (a free port) for the actuator, whose {@code
 * jvm.memory.used{area=heap}} gives the heap in use. Everything else is the consumer's default.
 */
public final class TrackingConsumerLauncher implements RelayLauncher {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jar;
    private final String heap;
    private final List<String> jvmOptions;
    private final String bootstrapServers;
    private final int partitions;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public TrackingConsumerLauncher(
            Path jar, String heap, List<String> jvmOptions, String bootstrapServers, int partitions) {
        this.jar = jar;
        this.heap = heap;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
    }

    @Override
    public String name() {
        return "tracking";
    }

    @Override
    public RunningRelay start(String group, BenchTopics topics, URI host, Path log) throws IOException {
        int port = freePort();
        List<String> arguments = new ArrayList<>(List.of(
                "-jar",
                jar.toString(),
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--spring.kafka.consumer.group-id=" + group,
                "--tracking.posthog.host=" + host,
                "--tracking.posthog.api-key=phc_bench",
                "--tracking.topics.partitions=" + partitions,
                "--server.address=127.0.0.1",
                "--server.port=" + port));
        for (FactFamily family : FactFamily.values()) {
            arguments.add("--tracking.topics." + family.key() + "="
                    + topics.byFamily().get(family));
        }
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap));
        options.addAll(jvmOptions);
        ChildJvm jvm = ChildJvm.start("tracking-consumer", options, arguments, log);
        URI metric = URI.create("http://127.0.0.1:" + port + "/actuator/metrics/jvm.memory.used?tag=area:heap");
        return new RunningRelay(jvm, heapUsed(metric));
    }

    private LongSupplier heapUsed(URI metric) {
        HttpRequest request =
                HttpRequest.newBuilder(metric).timeout(Duration.ofSeconds(2)).build();
        return () -> {
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    return -1;
                }
                for (JsonNode measurement : JSON.readTree(response.body()).path("measurements")) {
                    if (measurement
                            .path("statistic")
                            .asText()
                            .toUpperCase(Locale.ROOT)
                            .equals("VALUE")) {
                        return (long) measurement.path("value").asDouble();
                    }
                }
                return -1;
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        };
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
