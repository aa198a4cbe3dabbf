package dev.tracking.client.cli;

import dev.tracking.client.FactPublisher;
import dev.tracking.client.kafka.KafkaClientProperties;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * {@code simulate}: publishes the facts of {@link FunnelSimulator} at a steady rate until stopped (Ctrl-C), or for a
 * given duration or count; prints progress every 10 s and a summary at the end.
 */
final class SimulateCommand {

    /**
     * Options of the command, already validated.
     *
     * @param consumerStatus the tracking consumer's {@code /actuator/tracking}, whose line is printed beside the
     *     simulator's every 10 s; or null
     */
    record Options(int teams, int ratePerSecond, Duration duration, long count, long seed, URI consumerStatus) {}

    private final CliEnvironment environment;
    private final KafkaClientProperties kafka;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    /** With the Kafka client settings of the environment alone. */
    SimulateCommand(CliEnvironment environment, PrintStream out, PrintStream err) {
        this(environment, environment.kafka(null), out, err);
    }

    /** @param kafka the client settings of the environment and {@code --kafka-config}, already checked */
    SimulateCommand(CliEnvironment environment, KafkaClientProperties kafka, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.kafka = kafka;
        this.out = out;
        this.err = err;
    }

    /** Asks a running simulation to stop after the facts already sent are acknowledged. */
    void stop() {
        stop.countDown();
    }

    /** Stops a running simulation and waits up to {@code timeout} for {@link #run} to finish; false on timeout. */
    boolean stopAndAwait(Duration timeout) {
        stop();
        try {
            return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    int run(Options options) throws InterruptedException {
        try {
            return simulate(options);
        } finally {
            finished.countDown();
        }
    }

    private int simulate(Options options) throws InterruptedException {
        FunnelSimulator simulator = new FunnelSimulator(options.seed(), options.teams(), Clock.systemUTC());
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        long sent = 0;
        long started = System.nanoTime();
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(50);
        long nextReport = started + TimeUnit.SECONDS.toNanos(10);
        long deadline = options.duration() == null
                ? Long.MAX_VALUE
                : started + options.duration().toNanos();
        out.printf(
                "simulating %d teams at %d facts/s into %s (Ctrl-C to stop)%n",
                options.teams(), options.ratePerSecond(), environment.bootstrapServers());
        ConsumerStatus consumer =
                options.consumerStatus() == null ? null : new ConsumerStatus(options.consumerStatus());
        FactPublisher built;
        try {
            built = environment.publisher(kafka).build();
        } catch (KafkaException e) {
            err.println(PublishCommand.cannotBuild(environment, e));
            return 2;
        }
        try (FactPublisher publisher = built) {
            while (stop.getCount() > 0
                    && System.nanoTime() < deadline
                    && (options.count() == 0 || sent < options.count())) {
                long elapsed = System.nanoTime() - started;
                long due = Math.min(options.count() == 0 ? Long.MAX_VALUE : options.count(), (long)
                        ((elapsed + tickNanos) / 1e9 * options.ratePerSecond()));
                for (; sent < due; sent++) {
                    publisher.publish(simulator.next()).whenComplete((published, error) -> {
                        if (error == null) {
                            acknowledged.incrementAndGet();
                        } else if (failed.getAndIncrement() == 0) {
                            firstFailure.set(error);
                            Optional<AuthenticationException> refused =
                                    KafkaClientProperties.authenticationFailure(error);
                            err.println("a fact was not published: "
                                    + refused.map(e -> kafka.authenticationRefused(environment.bootstrapServers(), e))
                                            .orElse(String.valueOf(error)));
                            if (refused.isPresent()) {
                                stop(); // no later fact will get in either
                            }
                        }
                    });
                }
                if (System.nanoTime() >= nextReport) {
                    out.printf(
                            "simulator: sent %d, acknowledged %d, failed %d%n", sent, acknowledged.get(), failed.get());
                    if (consumer != null) {
                        consumer.line().thenAccept(out::println);
                    }
                    nextReport += TimeUnit.SECONDS.toNanos(10);
                }
                stop.await(tickNanos, TimeUnit.NANOSECONDS);
            }
            publisher.flush();
        }
        out.printf(
                "done: sent %d, acknowledged %d, failed %d in %.1f s%n",
                sent, acknowledged.get(), failed.get(), (System.nanoTime() - started) / 1e9);
        if (acknowledged.get() == 0
                && KafkaClientProperties.authenticationFailure(firstFailure.get())
                        .isPresent()) {
            return 2; // a configuration error, like a bad argument: nothing was published
        }
        return failed.get() == 0 ? 0 : 1;
    }
}
