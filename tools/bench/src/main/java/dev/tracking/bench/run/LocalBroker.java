package dev.tracking.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone broker of {@code tools/local-kafka}: started with {@code kafka-up.sh} (which picks free ports), and
 * stopped with {@code kafka-down.sh} only when this run started it; a broker that was already running (say, {@code
 * make run} in another terminal) is used and left running. {@code kafka-down.sh} signals only the PID in its pid file,
 * after checking that it is that broker.
 */
public final class LocalBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalBroker.class);

    private final Path scripts;
    private final String bootstrapServers;
    private final boolean startedHere;
    private final long pid;

    private LocalBroker(Path scripts, String bootstrapServers, boolean startedHere, long pid) {
        this.scripts = scripts;
        this.bootstrapServers = bootstrapServers;
        this.startedHere = startedHere;
        this.pid = pid;
    }

    /** Starts the broker of the checkout at {@code repoRoot}, or finds it running. */
    public static LocalBroker start(Path repoRoot) throws IOException, InterruptedException {
        Path scripts = repoRoot.resolve("tools/local-kafka");
        boolean running = runningPid(scripts).isPresent();
        Process up = new ProcessBuilder("bash", scripts.resolve("kafka-up.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!up.waitFor(3, TimeUnit.MINUTES)) {
            up.destroy();
            throw new IllegalStateException("kafka-up.sh did not finish within 3 minutes");
        }
        if (up.exitValue() != 0) {
            throw new IllegalStateException("kafka-up.sh failed (exit " + up.exitValue() + "): " + out);
        }
        String prefix = "KAFKA_BOOTSTRAP_SERVERS=";
        String line = out.lines()
                .filter(l -> l.startsWith(prefix))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("kafka-up.sh printed no bootstrap servers: " + out));
        long pid = runningPid(scripts).orElse(-1);
        log.info(
                "{} broker pid {} at {}",
                running ? "using the already running" : "started",
                pid,
                line.substring(prefix.length()));
        return new LocalBroker(scripts, line.substring(prefix.length()), !running, pid);
    }

    /** The broker's PID per {@code common.sh}'s own check of its pid file. */
    private static OptionalLong runningPid(Path scripts) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(
                        "bash",
                        "-c",
                        "source \"$0\" && lk_running_pid",
                        scripts.resolve("common.sh").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        probe.waitFor(30, TimeUnit.SECONDS);
        return probe.exitValue() == 0 && out.matches("\\d+")
                ? OptionalLong.of(Long.parseLong(out))
                : OptionalLong.empty();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** PID of the broker JVM, -1 if unknown. */
    public long pid() {
        return pid;
    }

    public boolean startedHere() {
        return startedHere;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (!startedHere) {
            log.info("leaving the broker (pid {}) running: it was running before the benchmark", pid);
            return;
        }
        Process down = new ProcessBuilder(
                        List.of("bash", scripts.resolve("kafka-down.sh").toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        down.waitFor(2, TimeUnit.MINUTES);
    }
}
