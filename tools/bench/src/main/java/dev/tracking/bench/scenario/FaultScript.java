package dev.tracking.bench.scenario;

import dev.tracking.bench.sink.FaultSchedule;
import dev.tracking.bench.sink.Ledger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault script, the same for every relay, stepped by the run as events arrive:
 *
 * <ol>
 *   <li>once a tenth of the expected events has arrived (or after a minute), a run of 503s for {@code outage};
 *   <li>then one 429 with {@code Retry-After: 1};
 *   <li>two seconds later, a slow period of two seconds (longer, up to 30 s, until at least one request has met it):
 *       requests arriving in it are processed (their events count as received, as PostHog would have ingested them)
 *       and answered only after {@code slowResponse}, past the relays' request timeouts (10 s for both by default);
 *   <li>once events flow again (a further 2 % of the expected events, or 15 s), the relay is killed with SIGKILL and
 *       started again at once, with the same group.
 * </ol>
 */
final class FaultScript {
    private enum Phase {
        WARMING,
        OUTAGE,
        RATE_LIMITED,
        SETTLING,
        SLOW,
        AFTER_SLOW,
        DONE
    }

    /** What the script may do to the relay. */
    interface Relay {
        void killAndRestart() throws Exception;
    }

    private final Duration outage;
    private final Duration slowResponse;
    private final long expectedEvents;
    private final List<String> timeline = new ArrayList<>();
    private final long started = System.nanoTime();
    private Phase phase = Phase.WARMING;
    private long phaseStarted = started;
    private long receivedAtPhase;
    private double killedAtFraction = -1;

    FaultScript(Duration outage, Duration slowResponse, long expectedEvents) {
        this.outage = outage;
        this.slowResponse = slowResponse;
        this.expectedEvents = expectedEvents;
    }

    void step(Ledger.Snapshot now, FaultSchedule faults, Relay relay) throws Exception {
        long received = now.expectedReceived();
        switch (phase) {
            case WARMING -> {
                if (received >= expectedEvents / 10
                        || elapsed() > Duration.ofMinutes(1).toNanos()) {
                    faults.unavailableFor(outage);
                    next(Phase.OUTAGE, now, "503 for " + outage.toMillis() + " ms");
                }
            }
            case OUTAGE -> {
                if (inPhase() >= outage.toNanos()) {
                    faults.rateLimitNext(1, Duration.ofSeconds(1));
                    next(Phase.RATE_LIMITED, now, "one 429 with Retry-After: 1");
                }
            }
            case RATE_LIMITED -> {
                if (faults.served().rateLimited() >= 1
                        || inPhase() > Duration.ofSeconds(10).toNanos()) {
                    faults.clear();
                    next(Phase.SETTLING, now, "429 served: " + faults.served().rateLimited());
                }
            }
            case SETTLING -> {
                if (inPhase() >= Duration.ofSeconds(2).toNanos()) {
                    faults.slowFor(Duration.ofSeconds(2), slowResponse);
                    next(Phase.SLOW, now, "slow for 2 s: answers after " + slowResponse.toMillis() + " ms");
                }
            }
            case SLOW -> {
                if (inPhase() >= Duration.ofSeconds(2).toNanos()) {
                    long slow = faults.served().slow();
                    if (slow > 0 || inPhase() > Duration.ofSeconds(30).toNanos()) {
                        next(Phase.AFTER_SLOW, now, "slow period over, " + slow + " late answers");
                    } else {
                        // the relay is backing off and sent nothing yet: the period lasts until a request meets it
                        faults.slowFor(Duration.ofMillis(500), slowResponse);
                    }
                }
            }
            case AFTER_SLOW -> {
                if (received - receivedAtPhase >= expectedEvents / 50
                        || inPhase() > Duration.ofSeconds(15).toNanos()) {
                    killedAtFraction = expectedEvents == 0 ? 0 : (double) received / expectedEvents;
                    relay.killAndRestart();
                    next(Phase.DONE, now, "SIGKILL and restart");
                }
            }
            case DONE -> {}
        }
    }

    boolean done() {
        return phase == Phase.DONE;
    }

    /** Share of the expected events received when the relay was killed, -1 before. */
    double killedAtFraction() {
        return killedAtFraction;
    }

    /** What happened when: {@code "12.3 s: 503 for 3000 ms (received 10.2 %)"}. */
    List<String> timeline() {
        return timeline;
    }

    private void next(Phase phase, Ledger.Snapshot now, String what) {
        this.phase = phase;
        this.phaseStarted = System.nanoTime();
        this.receivedAtPhase = now.expectedReceived();
        timeline.add(String.format(
                "%.1f s: %s (%.1f %% of the expected events received)",
                elapsed() / 1e9, what, expectedEvents == 0 ? 0 : 100.0 * now.expectedReceived() / expectedEvents));
    }

    private long elapsed() {
        return System.nanoTime() - started;
    }

    private long inPhase() {
        return System.nanoTime() - phaseStarted;
    }
}
