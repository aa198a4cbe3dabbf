package dev.tracking.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code make bench}: the options, checked, handed to {@link BenchRun}. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Benchmarks the packaged tracking consumer against a relay built on the PostHog SDK, on the local broker,"
                    + " with a fast PostHog /batch/ server in this JVM.",
            "Writes var/bench/latest.json and var/bench/bench-<run>.json and prints the tables."
        })
public final class BenchCommand implements Callable<Integer> {
    /** The parts of the benchmark, in the order they run. */
    public enum Part {
        throughput,
        latency,
        sdk,
        faults
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--facts", defaultValue = "1000000", description = "facts pre-loaded (default: ${DEFAULT-VALUE})")
    int facts;

    @Option(
            names = "--teams",
            defaultValue = "1000",
            description = "teams active at any time (default: ${DEFAULT-VALUE})")
    int teams;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "seed of the simulated data (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--partitions",
            defaultValue = "6",
            description = "partitions of every topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(
            names = "--delay",
            defaultValue = "20ms",
            converter = DurationConverter.class,
            description = "added to every answer in the slow-PostHog scenarios (default: ${DEFAULT-VALUE})")
    Duration delay;

    @Option(
            names = "--latency-rate",
            defaultValue = "5000",
            description = "facts/s of the latency scenario (default: ${DEFAULT-VALUE})")
    int latencyRate;

    @Option(
            names = "--latency-duration",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "how long latency is measured (default: ${DEFAULT-VALUE})")
    Duration latencyDuration;

    @Option(
            names = "--latency-warmup",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "published at that rate first, not measured (default: ${DEFAULT-VALUE})")
    Duration latencyWarmup;

    @Option(
            names = "--trickle-rate",
            defaultValue = "200",
            description = "facts/s of the low-rate scenario (default: ${DEFAULT-VALUE})")
    int trickleRate;

    @Option(
            names = "--trickle-duration",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "how long the low rate runs (default: ${DEFAULT-VALUE})")
    Duration trickleDuration;

    @Option(
            names = "--sdk-window",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "the SDK relay at 20 ms is measured this long from its first acknowledgement"
                    + " (default: ${DEFAULT-VALUE})")
    Duration sdkWindow;

    @Option(
            names = "--timeout",
            defaultValue = "4m",
            converter = DurationConverter.class,
            description = "longest a backlog scenario may run (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(
            names = "--outage",
            defaultValue = "3s",
            converter = DurationConverter.class,
            description = "the run of 503s in the fault script (default: ${DEFAULT-VALUE})")
    Duration outage;

    @Option(
            names = "--slow-response",
            defaultValue = "12s",
            converter = DurationConverter.class,
            description = "how late the fault script's slow answers come, past the relays' 10 s request timeouts"
                    + " (default: ${DEFAULT-VALUE})")
    Duration slowResponse;

    @Option(
            names = "--only",
            split = ",",
            description = "run only these parts: ${COMPLETION-CANDIDATES} (default: all)")
    Set<Part> only;

    @Option(
            names = "--consumer-jar",
            defaultValue = "services/tracking-consumer/target/tracking-consumer.jar",
            description = "the consumer to benchmark (default: ${DEFAULT-VALUE}); the expected events and the SDK relay"
                    + " use the mapping of the consumer built with the benchmark")
    Path consumerJar;

    @Option(
            names = "--consumer-heap",
            defaultValue = "256m",
            description = "the consumer's -Xmx (default: ${DEFAULT-VALUE})")
    String consumerHeap;

    @Option(
            names = "--consumer-jvm-option",
            paramLabel = "<option>",
            description = "an extra JVM option of the consumer, repeatable; e.g."
                    + " --consumer-jvm-option=-XX:StartFlightRecording=filename=var/bench/consumer.jfr to profile it")
    List<String> consumerJvmOptions = new ArrayList<>();

    @Option(
            names = "--sdk-heap",
            defaultValue = "2g",
            description = "the SDK relay's -Xmx: the SDK queues without bound (default: ${DEFAULT-VALUE})")
    String sdkHeap;

    @Option(
            names = "--out",
            defaultValue = "var/bench",
            description = "where results and logs go (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(
            names = "--repo",
            defaultValue = ".",
            description = "the checkout, for tools/local-kafka (default: the current directory)")
    Path repo;

    public static void main(String[] args) {
        quietLogging();
        CommandLine commandLine = new CommandLine(new BenchCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            commandLine.getErr().println(e.getMessage());
            commandLine.getErr().println("Try --help (make bench BENCH_ARGS=--help) for the options.");
            return 2;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        check(facts >= 1000, "--facts", facts, "at least 1000");
        check(teams >= 1, "--teams", teams, "at least 1");
        check(partitions >= 1 && partitions <= 1000, "--partitions", partitions, "1 to 1000");
        check(latencyRate >= 1, "--latency-rate", latencyRate, "at least 1");
        check(trickleRate >= 1, "--trickle-rate", trickleRate, "at least 1");
        check(!latencyDuration.isZero(), "--latency-duration", latencyDuration, "more than zero");
        check(!trickleDuration.isZero(), "--trickle-duration", trickleDuration, "more than zero");
        check(!sdkWindow.isZero(), "--sdk-window", sdkWindow, "more than zero");
        check(consumerHeap.matches("\\d+[kmgKMG]?"), "--consumer-heap", consumerHeap, "a heap size like 256m");
        check(sdkHeap.matches("\\d+[kmgKMG]?"), "--sdk-heap", sdkHeap, "a heap size like 2g");
        Path jar = repo.resolve(consumerJar);
        check(jar.toFile().isFile(), "--consumer-jar", jar, "an existing file (build it: make bench builds it)");
        check(repo.resolve("tools/local-kafka/kafka-up.sh").toFile().isFile(), "--repo", repo, "the checkout's root");
        Set<Part> parts = only == null || only.isEmpty() ? EnumSet.allOf(Part.class) : EnumSet.copyOf(only);
        return new BenchRun(this, parts, jar).run();
    }

    private void check(boolean ok, String option, Object value, String expected) {
        if (!ok) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '" + option + "': '" + value + "' (expected " + expected + ")");
        }
    }

    /** The Kafka clients log every connection at INFO; the benchmark's own progress stays. */
    private static void quietLogging() {
        System.setProperty(
                "org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "info"));
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    }
}
