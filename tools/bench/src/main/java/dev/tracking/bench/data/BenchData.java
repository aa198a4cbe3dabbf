package dev.tracking.bench.data;

import dev.tracking.bench.sink.BatchReader;
import dev.tracking.bench.sink.ExpectedEvents;
import dev.tracking.client.FactPublisher;
import dev.tracking.client.cli.FunnelSimulator;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.PostHogEvent;
import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.Facts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The pre-loaded data of a run: {@code facts} facts of {@link FunnelSimulator#withTurnover} ({@code teams} teams that
 * have not churned at any time, a seeded, repeatable mix), published once into one set of topics that every
 * backlog scenario reads with a group of its own; and the events they should become ({@link ExpectedEvents}), mapped
 * with the consumer's own {@link FactMapping} and milestone rule.
 *
 * <p>Fact {@code i} happened at {@code start + i} ms: {@code occurred_at} is unique per fact, so an event is known by
 * its name, distinct id and timestamp even when a relay (the SDK) gives it a uuid of its own.
 */
public final class BenchData {
    private BenchData() {}

    /** What was published and what it should produce. */
    public record Loaded(
            int facts,
            ExpectedEvents expected,
            Map<String, Integer> factsByType,
            double seconds,
            long failed,
            Instant firstOccurredAt) {}

    /** Generates, publishes (waiting for every acknowledgement) and maps the data. */
    public static Loaded load(
            String bootstrapServers, BenchTopics topics, int facts, int teams, long seed, Instant firstOccurredAt)
            throws InterruptedException {
        long started = System.nanoTime();
        SettableClock clock = new SettableClock(firstOccurredAt);
        FunnelSimulator simulator = FunnelSimulator.withTurnover(seed, teams, clock);
        FactMapping mapping = FactMapping.standard();
        Milestones milestones = new Milestones();
        BatchReader reader = new BatchReader();
        ExpectedEvents expected = new ExpectedEvents((int) (facts * 1.15));
        Map<String, Integer> byType = new TreeMap<>();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        try (FactPublisher publisher = publisher(bootstrapServers, topics)
                .producerProperty("linger.ms", 20)
                .producerProperty("batch.size", 256 * 1024)
                .build()) {
            for (int i = 0; i < facts; i++) {
                Instant occurredAt = firstOccurredAt.plusMillis(i);
                clock.set(occurredAt);
                SpecificRecordBase fact = simulator.next();
                fact.put(Facts.OCCURRED_AT, occurredAt);
                byType.merge(Facts.typeName(fact), 1, Integer::sum);
                for (PostHogEvent event : mapping.map(fact)) {
                    if (milestones.keep(event)) {
                        expected.expect(read(reader, event), i);
                    }
                }
                publisher.publish(fact).whenComplete((published, error) -> {
                    if (error != null && failed.getAndIncrement() == 0) {
                        firstFailure.set(error);
                    }
                });
            }
            publisher.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(
                    failed.get() + " facts were not published; the first: " + firstFailure.get(), firstFailure.get());
        }
        return new Loaded(facts, expected, byType, (System.nanoTime() - started) / 1e9, failed.get(), firstOccurredAt);
    }

    /** A publisher writing each family to its topic of {@code topics}. */
    static FactPublisher.Builder publisher(String bootstrapServers, BenchTopics topics) {
        FactPublisher.Builder builder = FactPublisher.builder().bootstrapServers(bootstrapServers);
        for (Map.Entry<FactFamily, String> topic : topics.byFamily().entrySet()) {
            builder.topic(topic.getKey(), topic.getValue());
        }
        return builder.producerProperty("client.id", "bench-publisher");
    }

    private static dev.tracking.bench.sink.ReceivedEvent read(BatchReader reader, PostHogEvent event) {
        try {
            return reader.readEvent(event.json());
        } catch (IOException e) {
            throw new UncheckedIOException("the mapping produced unreadable JSON for " + event.event(), e);
        }
    }

    /** A clock the generator moves forward one fact at a time. */
    static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant start) {
            this.now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
