package dev.tracking.bench.data;

import dev.tracking.client.FactPublisher;
import dev.tracking.client.cli.FunnelSimulator;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.PostHogEvent;
import dev.tracking.schemas.Facts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Facts published at a steady rate, as product services would, for the latency scenarios: the same simulated mix,
 * each fact's {@code occurred_at} set to the moment it is published (so {@code occurred_at} to PostHog's
 * acknowledgement is the whole way through Kafka and the relay). Publishes in 10 ms steps with {@link FactPublisher}'s
 * defaults (linger 5 ms, lz4, {@code acks=all}).
 */
public final class LiveTraffic implements AutoCloseable {
    private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final FactPublisher publisher;
    private final FunnelSimulator simulator;
    private final FactMapping mapping = FactMapping.standard();
    private final Milestones milestones = new Milestones();
    private final AtomicLong failed = new AtomicLong();
    private long facts;
    private long events;

    public LiveTraffic(String bootstrapServers, BenchTopics topics, int teams, long seed) {
        this.publisher = BenchData.publisher(bootstrapServers, topics).build();
        this.simulator = FunnelSimulator.withTurnover(seed, teams, Clock.systemUTC());
    }

    /** Publishes {@code perSecond} facts a second for {@code duration}, then waits for Kafka's acknowledgements. */
    public void run(int perSecond, Duration duration) throws InterruptedException {
        long started = System.nanoTime();
        long end = started + duration.toNanos();
        long sent = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long due = (long) ((now - started) / 1e9 * perSecond);
            for (; sent < due; sent++) {
                publishOne();
            }
            long sleep = STEP_NANOS - (System.nanoTime() - now);
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
        publisher.flush();
    }

    private void publishOne() {
        SpecificRecordBase fact = simulator.next();
        fact.put(Facts.OCCURRED_AT, Instant.now());
        for (PostHogEvent event : mapping.map(fact)) {
            if (milestones.keep(event)) {
                events++;
            }
        }
        facts++;
        publisher.publish(fact).whenComplete((published, error) -> {
            if (error != null) {
                failed.incrementAndGet();
            }
        });
    }

    /** Facts published so far. */
    public long facts() {
        return facts;
    }

    /** Events those facts should produce (milestones counted once). */
    public long events() {
        return events;
    }

    /** Facts Kafka did not acknowledge. */
    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        publisher.close();
    }
}
