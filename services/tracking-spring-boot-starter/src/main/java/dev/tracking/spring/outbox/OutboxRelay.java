package dev.tracking.spring.outbox;

import dev.tracking.client.InvalidFactException;
import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.schemas.FactValidator;
import dev.tracking.schemas.Facts;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the facts of the outbox table to Kafka, on one thread per service instance. A round is one transaction: lock
 * the oldest waiting rows ({@code FOR UPDATE SKIP LOCKED}: another instance's round skips them), keep those whose key
 * has no earlier row held elsewhere ({@link RelayPlan}), send them, wait for Kafka's acknowledgements, delete the
 * acknowledged rows, count an attempt on the others, park the ones that can never be published, commit.
 *
 * <p>A round starts after every commit that recorded a fact, at start-up (facts left by a crash), every {@code
 * poll-interval} (facts left by an outage), and after a failed round with a doubling back-off. A crash after Kafka's
 * acknowledgement and before the commit sends the row again with the same {@code event_id} and bytes; the consumer
 * drops that copy.
 */
public final class OutboxRelay implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final OutboxStore store;
    private final FactSender sender;
    private final TransactionTemplate transactions;
    private final Settings settings;
    private final OutboxMonitor monitor;
    private final Clock clock;
    private final FactDecoder decoder = SingleObjectEncoding.decoder();
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param pollInterval round period when nothing wakes the relay
     * @param batchSize most rows one round locks
     * @param sendTimeout longest wait for acknowledgements in one round
     * @param initialBackoff first pause after a failed round, doubling
     * @param maxBackoff longest pause
     */
    public record Settings(
            Duration pollInterval, int batchSize, Duration sendTimeout, Duration initialBackoff, Duration maxBackoff) {}

    /** What one round did. */
    record Round(int locked, int sent, int parked, int retried, int heldBack, String firstError) {
        static final Round IDLE = new Round(0, 0, 0, 0, 0, null);
    }

    public OutboxRelay(
            OutboxStore store,
            FactSender sender,
            PlatformTransactionManager transactionManager,
            Settings settings,
            OutboxMonitor monitor,
            Clock clock) {
        this.store = store;
        this.sender = sender;
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.settings = settings;
        this.monitor = monitor;
        this.clock = clock;
    }

    /** Asks for a round now (a commit recorded facts). */
    public void wakeUp() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::relay, "tracking-outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops after the round in progress (which waits at most {@code send-timeout} for Kafka). */
    @Override
    public synchronized void stop() {
        running = false;
        wakeUp();
        if (thread != null) {
            try {
                thread.join(settings.sendTimeout().plusSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the publisher and the DataSource, before anything that depends on this stops them. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }

    private void relay() {
        Duration backoff = settings.initialBackoff();
        while (running) {
            Duration pause;
            try {
                Round round = runRound();
                reportStats();
                if (round.retried() > 0) {
                    LOG.warn(
                            "{} fact(s) of {} not acknowledged by Kafka, kept and retried in {}: {}",
                            round.retried(),
                            store.table(),
                            backoff,
                            round.firstError());
                    monitor.retrying(round.retried(), round.firstError());
                    pause = backoff;
                    backoff = doubled(backoff);
                    sleep(pause);
                    continue;
                }
                backoff = settings.initialBackoff();
                if (round.locked() == settings.batchSize() && round.heldBack() == 0) {
                    continue; // a full batch went: more may be waiting
                }
                pause = round.heldBack() > 0 ? settings.initialBackoff() : settings.pollInterval();
            } catch (RuntimeException e) {
                LOG.warn("outbox relay round on {} failed, retrying in {}: {}", store.table(), backoff, e.toString());
                monitor.roundFailed(e);
                pause = backoff;
                backoff = doubled(backoff);
                sleep(pause);
                continue;
            }
            awaitWakeUp(pause);
        }
    }

    /** One round in its own transaction; package-private for tests. */
    Round runRound() {
        Round round = transactions.execute(status -> round());
        return round == null ? Round.IDLE : round;
    }

    private Round round() {
        List<OutboxRow> locked = store.lockWaiting(settings.batchSize());
        if (locked.isEmpty()) {
            return Round.IDLE;
        }
        Set<String> keys = new LinkedHashSet<>();
        locked.forEach(row -> keys.add(row.partitionKey()));
        List<OutboxRow> sendable = RelayPlan.sendable(
                locked, store.waitingOf(keys, locked.get(locked.size() - 1).id()));

        int parked = 0;
        Map<OutboxRow, CompletableFuture<?>> sends = new LinkedHashMap<>();
        for (OutboxRow row : sendable) {
            SpecificRecord fact;
            try {
                fact = readable(row);
            } catch (RuntimeException e) {
                park(row, e);
                parked++;
                continue;
            }
            CompletableFuture<?> send = send(fact);
            sends.put(row, send);
            if (send.isCompletedExceptionally() && failedForNow(send)) {
                break; // the producer refused at once (no metadata: the broker is unreachable); the rest waits too
            }
        }

        List<Long> sent = new ArrayList<>();
        int retried = 0;
        String firstError = null;
        long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
        for (Map.Entry<OutboxRow, CompletableFuture<?>> send : sends.entrySet()) {
            OutboxRow row = send.getKey();
            try {
                send.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                sent.add(row.id());
            } catch (TimeoutException e) {
                String error =
                        "not acknowledged by Kafka within tracking.outbox.send-timeout=" + settings.sendTimeout();
                store.countAttempt(row.id(), error);
                retried++;
                firstError = firstError == null ? error : firstError;
            } catch (ExecutionException e) {
                if (SendFailures.classify(e) == SendFailures.Verdict.PARK) {
                    park(row, SendFailures.unwrap(e));
                    parked++;
                } else {
                    String error = SendFailures.unwrap(e).toString();
                    store.countAttempt(row.id(), error);
                    retried++;
                    firstError = firstError == null ? error : firstError;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Kafka", e);
            }
        }
        if (!sent.isEmpty()) {
            store.delete(sent);
        }
        return new Round(locked.size(), sent.size(), parked, retried, locked.size() - sendable.size(), firstError);
    }

    /** The recorded fact, checked against today's rules. */
    private SpecificRecord readable(OutboxRow row) {
        SpecificRecord fact = decoder.decode("outbox", row.fact());
        List<String> violations = FactValidator.violations(fact);
        if (!violations.isEmpty()) {
            throw new InvalidFactException(Facts.typeName(fact), violations);
        }
        return fact;
    }

    private CompletableFuture<?> send(SpecificRecord fact) {
        try {
            return sender.send(fact);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static boolean failedForNow(CompletableFuture<?> send) {
        try {
            send.join();
            return false;
        } catch (RuntimeException e) {
            return SendFailures.classify(e) == SendFailures.Verdict.RETRY;
        }
    }

    private void park(OutboxRow row, Throwable reason) {
        String why = reason.toString();
        store.park(row.id(), why, clock.instant());
        LOG.error(
                "parked {} {} (key {}, outbox row {} of {}): it can never be published as it is, kept for inspection: {}",
                row.factType(),
                row.eventId(),
                row.partitionKey(),
                row.id(),
                store.table(),
                why);
        monitor.parked(row, why);
    }

    private void reportStats() {
        try {
            monitor.stats(store.stats());
        } catch (RuntimeException e) {
            LOG.debug("cannot count the outbox rows: {}", e.toString());
        }
    }

    private Duration doubled(Duration backoff) {
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : next;
    }

    /** Waits for a wake-up or the pause, whichever comes first. */
    private void awaitWakeUp(Duration pause) {
        long deadline = System.nanoTime() + pause.toNanos();
        synchronized (signal) {
            while (!woken && running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            woken = false;
        }
    }

    /** Waits the back-off: commits do not cut it short, stopping does. */
    private void sleep(Duration pause) {
        long deadline = System.nanoTime() + pause.toNanos();
        synchronized (signal) {
            while (running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            woken = false;
        }
    }
}
