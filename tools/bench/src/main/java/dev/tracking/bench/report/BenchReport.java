package dev.tracking.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tracking.bench.scenario.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The results of a run: {@code var/bench/latest.json} and a timestamped copy beside it ({@code
 * var/bench/bench-<run>.json}), and the tables printed at the end. Keys follow the list ({@code
 * tracking.loopback.facts_per_s}, ..., {@code sdk.faults.lost}); scenarios that did not run are left out.
 */
public final class BenchReport {
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Object> tracking = new LinkedHashMap<>();
    private final Map<String, Object> sdk = new LinkedHashMap<>();

    public BenchReport(Map<String, Object> run, Map<String, Object> machine, Map<String, Object> parameters) {
        root.put("run", run);
        root.put("machine", machine);
        root.put("parameters", parameters);
    }

    public void data(Map<String, Object> data) {
        root.put("data", data);
    }

    public void tracking(String scenario, Metrics metrics) {
        tracking.put(scenario, metrics.asMap());
    }

    public void sdk(String scenario, Metrics metrics) {
        sdk.put(scenario, metrics.asMap());
    }

    public Map<String, Object> run() {
        @SuppressWarnings("unchecked")
        Map<String, Object> run = (Map<String, Object>) root.get("run");
        return run;
    }

    /** Writes {@code latest.json} and {@code bench-<stamp>.json} into {@code directory}; returns the latter. */
    public Path write(Path directory, String stamp) throws IOException {
        root.put("tracking", tracking);
        root.put("sdk", sdk);
        Files.createDirectories(directory);
        Path copy = directory.resolve("bench-" + stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(copy.toFile(), root);
        Files.copy(copy, directory.resolve("latest.json"), StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    /** The tables: throughput, latency, faults. */
    public String tables() {
        StringBuilder text = new StringBuilder();
        TextTable throughput = new TextTable(
                "throughput",
                "relay",
                "facts/s",
                "events/s",
                "cpu s",
                "us/fact",
                "rss MB",
                "heap MB",
                "lost",
                "ev/req",
                "cores relay/broker/sink",
                "note");
        row(throughput, "loopback", "tracking", tracking.get("loopback"));
        row(throughput, "20 ms/request", "tracking", tracking.get("delay_20ms"));
        row(throughput, "loopback", "sdk", sdk.get("loopback"));
        row(throughput, "20 ms/request", "sdk", sdk.get("delay_20ms"));

        row(throughput, "20 ms/request", "sdk batch 1000", sdk.get("tuned_delay_20ms"));
        text.append(throughput).append('\n');

        TextTable latency = new TextTable(
                "latency",
                "relay",
                "p50 ms",
                "p99 ms",
                "max ms",
                "ev/req",
                "cpu s",
                "heap MB",
                "cores relay/broker/sink");
        latencyRow(latency, "steady", tracking.get("latency_5k"));
        latencyRow(latency, "trickle", tracking.get("trickle_200"));
        text.append(latency).append('\n');

        TextTable faults = new TextTable(
                "faults",
                "lost",
                "lost %",
                "different dup",
                "(same uuid)",
                "(new uuid)",
                "exact repeats",
                "unexpected",
                "killed at %",
                "ending");
        faultRow(faults, "tracking", tracking.get("faults"));
        faultRow(faults, "sdk", sdk.get("faults"));
        text.append(faults);
        return text.toString();
    }

    private static void row(TextTable table, String scenario, String relay, Object section) {
        if (section instanceof Map<?, ?> m) {
            boolean complete = Boolean.TRUE.equals(m.get("complete"));
            table.row(
                    scenario,
                    relay,
                    number(m.get("facts_per_s")),
                    number(m.get("events_per_s")),
                    number(m.get("cpu_s")),
                    number(m.get("cpu_us_per_fact")),
                    number(m.get("rss_mb")),
                    number(m.get("heap_used_mb")),
                    m.get("lost"),
                    number(m.get("events_per_request")),
                    cores(m, "window_s"),
                    complete ? "" : String.valueOf(m.get("ending")));
        }
    }

    private static void latencyRow(TextTable table, String scenario, Object section) {
        if (section instanceof Map<?, ?> m) {
            table.row(
                    scenario + " " + m.get("rate") + " facts/s",
                    "tracking",
                    m.get("p50_ms"),
                    m.get("p99_ms"),
                    m.get("max_ms"),
                    number(m.get("events_per_request")),
                    number(m.get("cpu_s")),
                    number(m.get("heap_used_mb")),
                    cores(m, "seconds"));
        }
    }

    /** Cores each part used on average over the measured window: CPU seconds divided by the window's seconds. */
    private static String cores(Map<?, ?> m, String window) {
        if (!(m.get(window) instanceof Number seconds) || seconds.doubleValue() <= 0) {
            return "-";
        }
        StringBuilder text = new StringBuilder();
        for (String part : new String[] {"cpu_s", "broker_cpu_s", "bench_cpu_s"}) {
            if (text.length() > 0) {
                text.append('/');
            }
            text.append(
                    m.get(part) instanceof Number cpu
                            ? String.format("%.2f", cpu.doubleValue() / seconds.doubleValue())
                            : "-");
        }
        return text.toString();
    }

    private static void faultRow(TextTable table, String relay, Object section) {
        if (section instanceof Map<?, ?> m) {
            table.row(
                    relay,
                    m.get("lost"),
                    number(m.get("lost_percent")),
                    m.get("different_duplicates"),
                    m.get("different_duplicates_same_uuid"),
                    m.get("different_duplicates_new_uuid"),
                    m.get("exact_repeats"),
                    m.get("unexpected_events"),
                    number(m.get("killed_at_percent")),
                    m.get("ending"));
        }
    }

    private static Object number(Object value) {
        return value instanceof Number n ? (Object) n.doubleValue() : value;
    }
}
