package dev.tracking.bench;

import dev.tracking.bench.BenchCommand.Part;
import dev.tracking.bench.data.BenchData;
import dev.tracking.bench.data.BenchTopics;
import dev.tracking.bench.report.BenchReport;
import dev.tracking.bench.report.Machine;
import dev.tracking.bench.run.KafkaProbe;
import dev.tracking.bench.run.LocalBroker;
import dev.tracking.bench.scenario.BenchContext;
import dev.tracking.bench.scenario.Metrics;
import dev.tracking.bench.scenario.RelayLauncher;
import dev.tracking.bench.scenario.Scenarios;
import dev.tracking.bench.scenario.SdkRelayLauncher;
import dev.tracking.bench.scenario.TrackingConsumerLauncher;
import dev.tracking.bench.sink.BatchSink;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code make bench}: starts (or finds) the local broker, pre-loads the data once, starts the sink, runs the
 * scenarios in order (tracking consumer throughput at loopback and 20 ms; latency at 5,000 then 200 facts/s; the SDK
 * relay's throughput; the fault script against both), writes the report, deletes the run's topics, and stops the
 * broker if it started it.
 */
final class BenchRun {
    private static final Logger log = LoggerFactory.getLogger(BenchRun.class);

    private final BenchCommand options;
    private final Set<Part> parts;
    private final Path consumerJar;

    BenchRun(BenchCommand options, Set<Part> parts, Path consumerJar) {
        this.options = options;
        this.parts = parts;
        this.consumerJar = consumerJar;
    }

    int run() throws Exception {
        long started = System.nanoTime();
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path out = options.repo.resolve(options.out).normalize();
        Path logs = out.resolve(runId);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", runId);
        run.put("started", Instant.now().toString());
        run.put("load_average_at_start", Machine.loadAverage());
        run.put("consumer_jar", consumerJar.toAbsolutePath().normalize().toString());
        Map<String, Object> machine = Machine.describe();
        machine.put(
                "placement",
                "broker, relay (consumer or SDK relay, one JVM each) and this JVM (the /batch/ sink and the publisher)"
                        + " share all " + machine.get("cores") + " cores; no pinning. CPU seconds of each part are"
                        + " reported per scenario (cpu_s, broker_cpu_s, bench_cpu_s).");
        BenchReport report = new BenchReport(run, machine, parameters());

        LocalBroker broker = LocalBroker.start(options.repo);
        Thread stopBroker = new Thread(() -> closeQuietly(broker), "stop-broker");
        Runtime.getRuntime().addShutdownHook(stopBroker);
        String runPrefix = "bench-" + runId;
        try (KafkaProbe probe = new KafkaProbe(broker.bootstrapServers())) {
            run.put("broker", broker.startedHere() ? "started for this run" : "already running, reused");
            try {
                loadAndRun(report, broker, probe, runId, logs);
            } finally {
                try {
                    BenchTopics.deleteAll(probe.admin(), runPrefix);
                } catch (RuntimeException e) {
                    log.warn("could not delete the run's topics ({}*): {}", runPrefix, e.toString());
                }
            }
        } finally {
            closeQuietly(broker);
            try {
                Runtime.getRuntime().removeShutdownHook(stopBroker);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
        run.put("finished", Instant.now().toString());
        run.put("duration_s", Math.round((System.nanoTime() - started) / 1e9));
        run.put("load_average_at_end", Machine.loadAverage());
        Path written = report.write(out, runId);
        System.out.println();
        System.out.println(report.tables());
        System.out.printf(
                "%d cores shared by broker, relay and sink; load average %s at start, %s at end; %d s in all%n",
                machine.get("cores"),
                run.get("load_average_at_start"),
                run.get("load_average_at_end"),
                run.get("duration_s"));
        System.out.println("results: " + out.resolve("latest.json") + " (and " + written + "), logs in " + logs);
        return 0;
    }

    private void loadAndRun(BenchReport report, LocalBroker broker, KafkaProbe probe, String runId, Path logs)
            throws Exception {

        BenchTopics data = BenchTopics.named("bench-" + runId + "-data");
        data.create(probe.admin(), options.partitions);
        log.info(
                "pre-loading {} facts over {} teams into {} ({} partitions each)",
                options.facts,
                options.teams,
                data.names(),
                options.partitions);
        BenchData.Loaded loaded = BenchData.load(
                broker.bootstrapServers(),
                data,
                options.facts,
                options.teams,
                options.seed,
                Instant.now().minus(Duration.ofHours(1)));
        log.info(
                "pre-loaded {} facts ({} expected events) in {} s",
                loaded.facts(),
                loaded.expected().size(),
                String.format("%.1f", loaded.seconds()));
        Map<String, Object> dataReport = new LinkedHashMap<>();
        dataReport.put("facts", loaded.facts());
        dataReport.put("expected_events", loaded.expected().size());
        dataReport.put("expected_key_collisions", loaded.expected().collisions());
        dataReport.put("topics", data.names());
        dataReport.put("partitions_per_topic", options.partitions);
        dataReport.put("publish_s", Math.round(loaded.seconds() * 10) / 10.0);
        dataReport.put("facts_by_type", loaded.factsByType());
        dataReport.put(
                "how",
                "generated once per run (FunnelSimulator.withTurnover, seed " + options.seed
                        + ", occurred_at one ms"
                        + " apart) and published once; every backlog scenario reads it with a consumer group of"
                        + " its own. The latency scenarios publish live facts (seed + 1) into topics of their own.");
        report.data(dataReport);

        try (BatchSink sink = BatchSink.start(loaded.expected())) {
            BenchContext context = new BenchContext(
                    runId, sink, probe, broker.pid(), data, loaded.expected().size(), logs);
            Scenarios scenarios = new Scenarios(context, settings(broker.bootstrapServers()));
            RelayLauncher tracking = new TrackingConsumerLauncher(
                    consumerJar,
                    options.consumerHeap,
                    options.consumerJvmOptions,
                    broker.bootstrapServers(),
                    options.partitions);
            RelayLauncher sdk = new SdkRelayLauncher(options.sdkHeap, broker.bootstrapServers(), null);
            RelayLauncher sdkTuned = new SdkRelayLauncher(options.sdkHeap, broker.bootstrapServers(), 1000);
            runScenarios(report, scenarios, tracking, sdk, sdkTuned);
        }
    }

    private void runScenarios(
            BenchReport report, Scenarios scenarios, RelayLauncher tracking, RelayLauncher sdk, RelayLauncher sdkTuned)
            throws InterruptedException {
        if (parts.contains(Part.throughput)) {
            report.tracking("loopback", attempt(() -> scenarios.throughput("loopback", tracking, Duration.ZERO, null)));
            report.tracking("delay_20ms", attempt(() -> scenarios.throughput("delay", tracking, options.delay, null)));
        }
        if (parts.contains(Part.latency)) {
            try {
                Scenarios.Latency latency = scenarios.latency(tracking);
                report.tracking("latency_5k", latency.steady());
                report.tracking("trickle_200", latency.trickle());
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                report.tracking("latency_5k", failed(e));
            }
        }
        if (parts.contains(Part.sdk)) {
            report.sdk("loopback", attempt(() -> scenarios.throughput("loopback", sdk, Duration.ZERO, null)));
            report.sdk(
                    "delay_20ms", attempt(() -> scenarios.throughput("delay", sdk, options.delay, options.sdkWindow)));

            report.sdk(
                    "tuned_delay_20ms",
                    attempt(() -> scenarios.throughput("delay", sdkTuned, options.delay, options.sdkWindow)));
        }
        if (parts.contains(Part.faults)) {
            report.tracking("faults", attempt(() -> scenarios.faults(tracking)));
            report.sdk("faults", attempt(() -> scenarios.faults(sdk)));
        }
    }

    /** A scenario that fails is reported as such, and the next one runs. */
    private static Metrics attempt(Callable<Metrics> scenario) throws InterruptedException {
        try {
            return scenario.call();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return failed(e);
        }
    }

    private static Metrics failed(Exception e) {
        log.error("scenario failed", e);
        return new Metrics().put("complete", false).put("ending", "failed: " + e);
    }

    private Scenarios.Settings settings(String bootstrapServers) {
        return new Scenarios.Settings(
                options.delay,
                options.timeout,
                options.sdkWindow,
                options.outage,
                options.slowResponse,
                options.latencyRate,
                options.latencyWarmup,
                options.latencyDuration,
                options.trickleRate,
                options.trickleDuration,
                options.teams,
                options.seed + 1,
                options.partitions,
                bootstrapServers);
    }

    private Map<String, Object> parameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("facts", options.facts);
        parameters.put("teams", options.teams);
        parameters.put("seed", options.seed);
        parameters.put("partitions", options.partitions);
        parameters.put("delay_ms", options.delay.toMillis());
        parameters.put("latency_rate", options.latencyRate);
        parameters.put("latency_warmup_s", options.latencyWarmup.toSeconds());
        parameters.put("latency_duration_s", options.latencyDuration.toSeconds());
        parameters.put("trickle_rate", options.trickleRate);
        parameters.put("trickle_duration_s", options.trickleDuration.toSeconds());
        parameters.put("sdk_window_s", options.sdkWindow.toSeconds());
        parameters.put("timeout_s", options.timeout.toSeconds());
        parameters.put("outage_s", options.outage.toMillis() / 1000.0);
        parameters.put("slow_response_s", options.slowResponse.toMillis() / 1000.0);
        parameters.put("consumer_heap", options.consumerHeap);
        parameters.put("consumer_jvm_options", options.consumerJvmOptions);
        parameters.put("sdk_heap", options.sdkHeap);
        parameters.put("sdk", "com.posthog:posthog-server 2.3.3");
        parameters.put("parts", parts.stream().map(Enum::name).toList());
        return parameters;
    }

    private static void closeQuietly(LocalBroker broker) {
        try {
            broker.close();
        } catch (Exception e) {
            log.warn("could not stop the broker: {}", e.toString());
        }
    }
}
