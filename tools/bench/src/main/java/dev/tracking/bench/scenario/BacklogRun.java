package dev.tracking.bench.scenario;

import dev.tracking.bench.sink.Ledger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relay working through the pre-loaded data with a consumer group of its own, until it is done: every expected
 * event received; or its group has committed everything and nothing has arrived for {@code idle}; or {@code measureFor}
 * has passed since the first acknowledgement; or {@code timeout}. With a {@link FaultScript}, the script is stepped as
 * it goes (and may kill and restart the relay).
 */
final class BacklogRun {
    private static final Logger log = LoggerFactory.getLogger(BacklogRun.class);

    private final BenchContext context;

    BacklogRun(BenchContext context) {
        this.context = context;
    }

    /** How a run ended and what it measured. */
    record Outcome(
            Ledger.Snapshot snapshot,
            boolean complete,
            String ending,
            Map<String, Integer> missing,
            Metrics resources) {}

    Outcome run(
            String scenario,
            RelayLauncher launcher,
            Duration measureFor,
            Duration idle,
            Duration timeout,
            FaultScript script)
            throws Exception {
        context.sink().ledger().clear(Long.MIN_VALUE);
        String group = context.group(scenario, launcher);
        Path logFile = context.logs().resolve(scenario + "-" + launcher.name() + ".log");
        List<RunningRelay> relays = new ArrayList<>();
        relays.add(launcher.start(group, context.data(), context.sink().host(), logFile));
        long relayStarted = System.nanoTime();
        long started = relayStarted;
        long lastLagCheck = 0;
        String ending;
        boolean complete;
        try (Resources resources =
                new Resources(relays.get(0).jvm().pid(), relays.get(0).heapUsed(), context.brokerPid())) {
            long lastProgress = 0;
            while (true) {
                Thread.sleep(100);
                Ledger.Snapshot now = context.sink().ledger().snapshot();
                long nanos = System.nanoTime();
                if (script != null) {
                    RunningRelay current = relays.get(relays.size() - 1);
                    script.step(now, context.sink().faults(), () -> {
                        resources.sampleNow();
                        current.jvm().kill();
                        RunningRelay restarted = launcher.start(
                                group, context.data(), context.sink().host(), logFile);
                        relays.add(restarted);
                        resources.relayRestarted(restarted.jvm().pid(), restarted.heapUsed());
                    });
                    if (relays.get(relays.size() - 1) != current) {
                        relayStarted = System.nanoTime();
                    }
                }
                boolean scriptDone = script == null || script.done();
                if (nanos - lastProgress > 10_000_000_000L) {
                    log.info(
                            "{} {}: {} of {} expected events received, {} events acknowledged",
                            scenario,
                            launcher.name(),
                            now.expectedReceived(),
                            now.expectedEvents(),
                            now.eventsAcknowledged());
                    lastProgress = nanos;
                }
                if (scriptDone && now.expectedEvents() > 0 && now.expectedReceived() == now.expectedEvents()) {
                    ending = "every expected event received";
                    complete = true;
                    break;
                }
                if (!relays.get(relays.size() - 1).jvm().alive()) {
                    ending = "the relay exited (see " + logFile + ")";
                    complete = false;
                    break;
                }
                if (measureFor != null
                        && now.firstAckMillis() > 0
                        && System.currentTimeMillis() - now.firstAckMillis() >= measureFor.toMillis()) {
                    ending = "measured for " + measureFor.toSeconds() + " s from the first acknowledgement";
                    complete = false;
                    break;
                }
                long quietNanos = nanos - Math.max(now.lastReceiveNanos(), relayStarted);
                if (scriptDone && quietNanos >= idle.toNanos() && nanos - lastLagCheck > 1_000_000_000L) {
                    lastLagCheck = nanos;
                    if (context.probe().lag(group, context.data().names()) == 0) {
                        ending = "everything committed, nothing received for " + idle.toSeconds() + " s";
                        complete = true;
                        break;
                    }
                }
                if (nanos - started > timeout.toNanos()) {
                    ending = "timed out after " + timeout.toSeconds() + " s";
                    complete = false;
                    break;
                }
            }
            resources.sampleNow();
            Ledger.Snapshot last = context.sink().ledger().snapshot();
            Metrics measured = new Metrics();
            resources.report(measured, last.firstAckMillis(), last.lastAckMillis());
            Map<String, Integer> missing =
                    last.lost() > 0 ? context.sink().ledger().missingByName() : Map.of();
            log.info("{} {}: {}", scenario, launcher.name(), ending);
            return new Outcome(last, complete, ending, missing, measured);
        } finally {
            context.sink().faults().clear();
            for (RunningRelay relay : relays) {
                relay.jvm().kill(); // measured: no need to wait for a graceful stop
                relay.jvm().close();
            }
        }
    }
}
