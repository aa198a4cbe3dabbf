package dev.tracking.bench.scenario;

import dev.tracking.bench.data.BenchTopics;
import dev.tracking.bench.relay.SdkRelay;
import dev.tracking.bench.run.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SdkRelay} as its own JVM, on the benchmark's own classpath: with the SDK's defaults, or with its batch size
 * raised ({@code batchSize} not null).
 */
public final class SdkRelayLauncher implements RelayLauncher {
    private final String heap;
    private final String bootstrapServers;
    private final Integer batchSize;

    public SdkRelayLauncher(String heap, String bootstrapServers, Integer batchSize) {
        this.heap = heap;
        this.bootstrapServers = bootstrapServers;
        this.batchSize = batchSize;
    }

    @Override
    public String name() {
        return batchSize == null ? "sdk" : "sdk-batch-" + batchSize;
    }

    @Override
    public RunningRelay start(String group, BenchTopics topics, URI host, Path log) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                SdkRelay.class.getName(),
                "--bootstrap-servers=" + bootstrapServers,
                "--group=" + group,
                "--topics=" + String.join(",", topics.names()),
                "--host=" + host));
        if (batchSize != null) {
            arguments.add("--batch-size=" + batchSize);
        }
        List<String> jvm = List.of("-Xmx" + heap, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        return new RunningRelay(ChildJvm.start(name(), jvm, arguments, log), null);
    }
}
