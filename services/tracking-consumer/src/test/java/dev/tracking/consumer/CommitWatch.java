package dev.tracking.consumer;

import dev.tracking.client.FactPublisher;
import dev.tracking.schemas.Facts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches a consumer group's committed offsets while a scenario runs, and records every time a committed offset passed
 * a record whose PostHog events had not arrived: the check that no commit ever moves past an undelivered record (if it
 * did, one more crash or rebalance and that record is lost).
 *
 * <p>Each check reads the committed offsets first and what PostHog holds second; a correct consumer delivers before it
 * commits, so every record below a committed offset is already in the second snapshot.
 */
final class CommitWatch implements AutoCloseable {
    private final Admin admin;
    private final String group;
    private final Map<TopicPartition, NavigableMap<Long, Set<String>>> uuidsByOffset = new HashMap<>();
    private final Supplier<Set<String>> delivered;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "commit-watch");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<TopicPartition, Long> lastSeen = new HashMap<>();
    private final AtomicLong checks = new AtomicLong();

    /**
     * @param published where each fact landed ({@link TestPublishing#publishAll})
     * @param facts the facts published, to know which uuids each must produce
     * @param delivered the uuids PostHog has accepted so far
     */
    private CommitWatch(
            String bootstrapServers,
            String group,
            List<FactPublisher.Published> published,
            List<? extends SpecificRecord> facts,
            Supplier<Set<String>> delivered) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.group = group;
        this.delivered = delivered;
        Map<String, Set<String>> uuidsByFact = new HashMap<>();
        for (SpecificRecord fact : facts) {
            uuidsByFact.put(Facts.eventId(fact), TrackingConsumerITSupport.uuidsOf(List.of(fact)));
        }
        for (FactPublisher.Published landed : published) {
            uuidsByOffset
                    .computeIfAbsent(new TopicPartition(landed.topic(), landed.partition()), tp -> new TreeMap<>())
                    .put(landed.offset(), uuidsByFact.get(landed.eventId()));
        }
    }

    /** Starts checking every 50 ms until {@link #close}. */
    static CommitWatch start(
            String bootstrapServers,
            String group,
            List<FactPublisher.Published> published,
            List<? extends SpecificRecord> facts,
            Supplier<Set<String>> delivered) {
        CommitWatch watch = new CommitWatch(bootstrapServers, group, published, facts, delivered);
        watch.timer.scheduleWithFixedDelay(watch::check, 0, 50, TimeUnit.MILLISECONDS);
        return watch;
    }

    /** Commits that passed an undelivered record, one line each; empty means every commit was safe. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    /** How many checks ran. */
    long checks() {
        return checks.get();
    }

    /** Runs one more check now, on the caller's thread, after the periodic ones stopped. */
    void checkOnceMore() {
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        check();
    }

    private synchronized void check() {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return; // the broker is busy or shutting down; the next check sees the same commits
        }
        Set<String> arrived = delivered.get();
        checks.incrementAndGet();
        committed.forEach((partition, offset) -> {
            if (offset == null || offset.offset() == lastSeen.getOrDefault(partition, -1L)) {
                return;
            }
            lastSeen.put(partition, offset.offset());
            NavigableMap<Long, Set<String>> records = uuidsByOffset.getOrDefault(partition, new TreeMap<>());
            List<Long> missing = new ArrayList<>();
            records.headMap(offset.offset(), false).forEach((at, uuids) -> {
                if (!arrived.containsAll(uuids)) {
                    missing.add(at);
                }
            });
            if (!missing.isEmpty()) {
                violations.add(partition + " committed at " + offset.offset() + " while the records at offsets "
                        + missing + " had not reached PostHog");
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
