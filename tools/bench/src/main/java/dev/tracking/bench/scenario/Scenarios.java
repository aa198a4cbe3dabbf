package dev.tracking.bench.scenario;

import dev.tracking.bench.data.BenchTopics;
import dev.tracking.bench.data.LiveTraffic;
import dev.tracking.bench.sink.Ledger;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The benchmark's scenarios; each returns its figures under the keys of {@code var/bench/latest.json}. */
public final class Scenarios {
    private static final Logger log = LoggerFactory.getLogger(Scenarios.class);
    private static final Duration IDLE = Duration.ofSeconds(5);
    private static final Duration FAULTS_IDLE = Duration.ofSeconds(10);

    private final BenchContext context;
    private final Settings settings;

    /**
     * The knobs of the scenarios.
     *
     * @param delay added to every answer in the "20 ms" scenarios
     * @param timeout longest a backlog scenario may run
     * @param sdkWindow how long the SDK relay is measured at 20 ms (from its first acknowledgement): it would take
     *     tens of minutes to finish the data
     * @param outage length of the run of 503s in the fault script
     * @param slowResponse how late the slow period's answers come (past the relays' 10 s request timeouts)
     * @param latencyRate facts per second of the latency scenario
     * @param latencyWarmup published at that rate before measuring (JIT, connections), not counted
     * @param latencyDuration how long latencies are measured
     * @param trickleRate facts per second of the low-rate scenario
     * @param trickleDuration how long it runs
     * @param teams teams of the live traffic
     * @param seed seed of the live traffic (the data's seed + 1)
     * @param partitions partitions of the live topics
     * @param bootstrapServers the broker
     */
    public record Settings(
            Duration delay,
            Duration timeout,
            Duration sdkWindow,
            Duration outage,
            Duration slowResponse,
            int latencyRate,
            Duration latencyWarmup,
            Duration latencyDuration,
            int trickleRate,
            Duration trickleDuration,
            int teams,
            long seed,
            int partitions,
            String bootstrapServers) {}

    public Scenarios(BenchContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    /**
     * Throughput through the pre-loaded data, with {@code delay} added to every answer: facts/s and events/s from the
     * first to the last acknowledgement, and what the relay used meanwhile. {@code measureFor} (null: to the end)
     * stops it early.
     */
    public Metrics throughput(String scenario, RelayLauncher relay, Duration delay, Duration measureFor)
            throws Exception {
        log.info("scenario {} with {}: {} ms added per request", scenario, relay.name(), delay.toMillis());
        context.sink().delay(delay);
        BacklogRun.Outcome outcome =
                new BacklogRun(context).run(scenario, relay, measureFor, IDLE, settings.timeout(), null);
        Ledger.Snapshot s = outcome.snapshot();
        double window = s.ackWindowSeconds();
        Metrics metrics = new Metrics()
                .put("facts_per_s", window > 0 ? s.factsReceived() / window : 0.0)
                .put("events_per_s", window > 0 ? s.eventsAcknowledged() / window : 0.0);
        outcome.resources().asMap().forEach(metrics::put);
        Object cpu = metrics.get("cpu_s");
        if (cpu instanceof Number seconds && s.factsReceived() > 0) {
            metrics.put("cpu_us_per_fact", seconds.doubleValue() * 1e6 / s.factsReceived());
        }
        metrics.put("delay_ms", delay.toMillis())
                .put("window_s", window)
                .put("facts", s.factsReceived())
                .put("events", s.eventsAcknowledged())
                .put("requests", s.acknowledgedRequests())
                .put("events_per_request", perRequest(s))
                .put(outcome.complete() ? "lost" : "not_received_when_stopped", s.lost())
                .put("complete", outcome.complete())
                .put("ending", outcome.ending());
        putMissing(metrics, outcome.missing());
        return metrics;
    }

    /**
     * The fault script against one relay: events lost (expected, never received), non-identical duplicates (one uuid
     * with two bodies, or one event under two uuids: PostHog keeps both), exact repeats (PostHog merges them).
     */
    public Metrics faults(RelayLauncher relay) throws Exception {
        log.info("scenario faults with {}", relay.name());
        context.sink().delay(Duration.ZERO);
        FaultScript script = new FaultScript(settings.outage(), settings.slowResponse(), context.expectedEvents());
        BacklogRun.Outcome outcome =
                new BacklogRun(context).run("faults", relay, null, FAULTS_IDLE, settings.timeout(), script);
        Ledger.Snapshot s = outcome.snapshot();
        Metrics metrics = new Metrics()
                .put("lost", s.lost())
                .put("different_duplicates", s.sameUuidOtherBody() + s.repeatsNewUuid())
                .put("exact_repeats", s.exactRepeats())
                .put("different_duplicates_same_uuid", s.sameUuidOtherBody())
                .put("different_duplicates_new_uuid", s.repeatsNewUuid())
                .put("unexpected_events", s.unexpected())
                .put("expected_events", s.expectedEvents())
                .put("expected_received", s.expectedReceived())
                .put("events_received", s.eventsReceived())
                .put("distinct_uuids", s.distinctUuids())
                .put("lost_percent", s.expectedEvents() == 0 ? 0.0 : 100.0 * s.lost() / s.expectedEvents())
                .put("killed_at_percent", 100 * script.killedAtFraction())
                .put("served_503", context.sink().faults().served().unavailable())
                .put("served_429", context.sink().faults().served().rateLimited())
                .put("served_slow", context.sink().faults().served().slow())
                .put("timeline", script.timeline())
                .put("unexpected_by_event", context.sink().ledger().unexpectedByName())
                .put("complete", outcome.complete())
                .put("ending", outcome.ending());
        putMissing(metrics, outcome.missing());
        return metrics;
    }

    /** Latency at a steady rate, then the low rate, against one consumer process on fresh topics. */
    public record Latency(Metrics steady, Metrics trickle) {}

    public Latency latency(RelayLauncher relay) throws Exception {
        BenchTopics topics = BenchTopics.named("bench-" + context.runId() + "-live");
        topics.create(context.probe().admin(), settings.partitions());
        context.sink().delay(Duration.ZERO);
        context.sink().faults().clear();
        Ledger ledger = context.sink().ledger();
        ledger.clear(Long.MIN_VALUE);
        String group = context.group("latency", relay);
        RunningRelay running = relay.start(
                group, topics, context.sink().host(), context.logs().resolve("latency-" + relay.name() + ".log"));
        try (Resources resources = new Resources(running.jvm().pid(), running.heapUsed(), context.brokerPid());
                LiveTraffic traffic =
                        new LiveTraffic(settings.bootstrapServers(), topics, settings.teams(), settings.seed())) {
            if (!context.probe().awaitAssigned(group, topics.names(), Duration.ofMinutes(2))) {
                throw new IllegalStateException("the relay was not assigned the live topics within 2 minutes; see "
                        + running.jvm().logFile());
            }
            log.info(
                    "scenario latency: {} facts/s, {} s warm-up then {} s measured",
                    settings.latencyRate(),
                    settings.latencyWarmup().toSeconds(),
                    settings.latencyDuration().toSeconds());
            traffic.run(settings.latencyRate(), settings.latencyWarmup());
            long measureFrom = System.currentTimeMillis();
            long factsBefore = traffic.facts();
            ledger.measureLatencySince(measureFrom);
            traffic.run(settings.latencyRate(), settings.latencyDuration());
            long publishedUntil = System.currentTimeMillis();
            awaitEvents(ledger, traffic.events(), Duration.ofSeconds(30));
            resources.sampleNow();
            Ledger.Snapshot s = ledger.snapshot();
            Metrics steady = new Metrics()
                    .put("p50_ms", s.p50Millis())
                    .put("p99_ms", s.p99Millis())
                    .put("max_ms", s.maxMillis())
                    .put("rate", settings.latencyRate())
                    .put(
                            "facts_per_s_published",
                            (traffic.facts() - factsBefore) * 1000.0 / (publishedUntil - measureFrom))
                    .put("events_measured", s.latencyCount())
                    .put("events_per_request", perRequest(s))
                    .put("missing_events", Math.max(0, traffic.events() - s.eventsReceived()))
                    .put("publish_failures", traffic.failed());
            resources.report(steady, measureFrom, System.currentTimeMillis());
            steady.put("seconds", settings.latencyDuration().toSeconds())
                    .put("warmup_s", settings.latencyWarmup().toSeconds());

            log.info(
                    "scenario trickle: {} facts/s for {} s",
                    settings.trickleRate(),
                    settings.trickleDuration().toSeconds());
            long eventsBefore = traffic.events();
            long trickleFrom = System.currentTimeMillis();
            ledger.clear(trickleFrom);
            traffic.run(settings.trickleRate(), settings.trickleDuration());
            awaitEvents(ledger, traffic.events() - eventsBefore, Duration.ofSeconds(15));
            resources.sampleNow();
            Ledger.Snapshot t = ledger.snapshot();
            Metrics trickle = new Metrics()
                    .put("events_per_request", perRequest(t))
                    .put("p99_ms", t.p99Millis())
                    .put("p50_ms", t.p50Millis())
                    .put("max_ms", t.maxMillis())
                    .put("rate", settings.trickleRate())
                    .put("requests", t.acknowledgedRequests())
                    .put("events", t.eventsAcknowledged())
                    .put("missing_events", Math.max(0, traffic.events() - eventsBefore - t.eventsReceived()));
            resources.report(trickle, trickleFrom, System.currentTimeMillis());
            trickle.put("seconds", settings.trickleDuration().toSeconds());
            return new Latency(steady, trickle);
        } finally {
            running.jvm().kill(); // measured: no need to wait for a graceful stop
            running.jvm().close();
        }
    }

    private static void awaitEvents(Ledger ledger, long events, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ledger.snapshot().eventsReceived() < events && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(300); // answers of the last requests
    }

    private static double perRequest(Ledger.Snapshot s) {
        return s.acknowledgedRequests() == 0 ? 0.0 : (double) s.eventsAcknowledged() / s.acknowledgedRequests();
    }

    private static void putMissing(Metrics metrics, Map<String, Integer> missing) {
        if (!missing.isEmpty()) {
            metrics.put("lost_by_event", missing);
        }
    }
}
