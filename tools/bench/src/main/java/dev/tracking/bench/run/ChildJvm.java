package dev.tracking.bench.run;

import dev.tracking.client.kafka.KafkaClientProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay process started by the benchmark ({@code java ...}), its output appended to a log file. Only ever signals
 * its own process, by handle: {@link #kill()} is SIGKILL, {@link #stop(Duration)} SIGTERM then SIGKILL. A shutdown
 * hook kills it if the benchmark itself is interrupted.
 */
public final class ChildJvm implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread hook;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.hook = new Thread(process::destroyForcibly, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code java <jvmOptions> <arguments>} with the running JVM's {@code java}, output to {@code logFile}. */
    public static ChildJvm start(String name, List<String> jvmOptions, List<String> arguments, Path logFile)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(arguments);
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // the consumer reads these from the environment too; the benchmark passes everything on the command line, and
        // its broker is the local PLAINTEXT one: an operator's SASL or TLS settings must not reach the relays
        List<String> inherited = new ArrayList<>(KafkaClientProperties.ENVIRONMENT.keySet());
        inherited.addAll(List.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "TRACKING_CONSUMER_GROUP",
                "POSTHOG_HOST",
                "POSTHOG_API_KEY",
                "POSTHOG_BATCH_SIZE",
                "SERVER_PORT",
                "JAVA_TOOL_OPTIONS"));
        for (String variable : inherited) {
            builder.environment().remove(variable);
        }
        Process process = builder.start();
        log.info("started {} (pid {}), log {}", name, process.pid(), logFile);
        return new ChildJvm(name, process, logFile);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** SIGKILL, then waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; SIGKILL if it has not exited within {@code grace}. */
    public void stop(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("{} (pid {}) did not stop within {}; killing it", name, process.pid(), grace);
            kill();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(20));
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
    }
}
