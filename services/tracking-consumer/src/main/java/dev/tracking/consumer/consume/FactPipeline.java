package dev.tracking.consumer.consume;

import dev.tracking.consumer.deadletter.DeadLetters;
import dev.tracking.consumer.deadletter.FactRejectedException;
import dev.tracking.consumer.deadletter.FailureCategory;
import dev.tracking.consumer.decode.FactReader;
import dev.tracking.consumer.dedup.DedupStore.FactKey;
import dev.tracking.consumer.dedup.StateFilter;
import dev.tracking.consumer.delivery.PostHogMisconfiguredException;
import dev.tracking.consumer.delivery.PostHogSender;
import dev.tracking.consumer.delivery.RejectedEvent;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.PostHogEvent;
import dev.tracking.consumer.mapping.UnmappableFactException;
import dev.tracking.schemas.Facts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One poll batch through every stage: decode and validate → skip delivered facts → map → milestones and group order →
 * PostHog's event rules → deliver (partitions concurrently, each partition's events in order) → dead-letter what
 * PostHog refused → remember what was delivered.
 *
 * <p>{@link #process} returns normally only when every record of the batch is either delivered or acknowledged by the
 * dead-letter topic; then the container commits the batch's offsets. It throws when that is not the case (PostHog
 * unavailable or misconfigured, dedup store unavailable in pause mode, dead-letter topic not writable): nothing is
 * committed and the batch is retried. A retry does not dead-letter a record twice and skips facts already delivered.
 */
public final class FactPipeline {
    private final FactReader reader;
    private final StateFilter state;
    private final FactMapping mapping;
    private final PostHogSender sender;
    private final DeadLetters deadLetters;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final long maxEventBytes;

    public FactPipeline(
            FactReader reader,
            StateFilter state,
            FactMapping mapping,
            PostHogSender sender,
            DeadLetters deadLetters,
            PipelineMetrics metrics,
            Clock clock,
            long maxEventBytes) {
        this.reader = reader;
        this.state = state;
        this.mapping = mapping;
        this.sender = sender;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.clock = clock;
        this.maxEventBytes = maxEventBytes;
    }

    /** PostHog's answer for one partition's events: those it refused alone, and when it answered. */
    private record Acknowledged(List<RejectedEvent> rejected, Instant at) {}

    /** A fact on its way, with the record it came from. */
    private static final class Work {
        final ConsumerRecord<byte[], byte[]> record;
        final SpecificRecord fact;
        List<PostHogEvent> events = List.of();

        Work(ConsumerRecord<byte[], byte[]> record, SpecificRecord fact) {
            this.record = record;
            this.fact = fact;
        }

        String factId() {
            return Facts.eventId(fact);
        }

        FactKey key() {
            return new FactKey(UUID.fromString(factId()), Facts.occurredAt(fact).toEpochMilli());
        }
    }

    public void process(List<ConsumerRecord<byte[], byte[]>> polled, Consumer<?, ?> consumer) {
        long started = System.nanoTime();
        List<ConsumerRecord<byte[], byte[]>> records = stillAssigned(polled, consumer);
        metrics.batchSize.record(records.size());
        metrics.received.increment(records.size());
        forgetCommitted(records);

        List<Work> facts = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (deadLetters.alreadyDeadLettered(record)) {
                continue;
            }
            try {
                facts.add(new Work(record, reader.read(record)));
            } catch (FactRejectedException e) {
                deadLetter(record, consumer, e);
            }
        }

        List<Work> fresh = withoutDuplicates(facts);
        for (Work work : fresh) {
            try {
                work.events = mapping.map(work.fact);
            } catch (UnmappableFactException e) {
                deadLetter(
                        work.record,
                        consumer,
                        rejection(FailureCategory.MAPPING, e.getMessage(), work)
                                .cause(e)
                                .build());
            }
        }

        Map<TopicPartition, List<PostHogEvent>> byPartition = new LinkedHashMap<>();
        Map<PostHogEvent, Work> origin = new IdentityHashMap<>();
        List<PostHogEvent> all = new ArrayList<>();
        Map<String, Work> workByFact = new HashMap<>();
        for (Work work : fresh) {
            workByFact.put(work.factId(), work);
            all.addAll(work.events);
        }
        StateFilter.Filtered filtered = state.filter(all);
        metrics.milestonesDropped.increment(filtered.dropped().milestones());
        metrics.staleGroupProperties.increment(filtered.dropped().staleGroupProperties());
        // an event PostHog would refuse for its size is not sent: its fact goes to the dead-letter topic whole
        Set<Work> oversize = new HashSet<>();
        for (PostHogEvent event : filtered.events()) {
            Work work = workByFact.get(event.factId());
            if (event.json().length > maxEventBytes && oversize.add(work)) {
                deadLetter(
                        work.record,
                        consumer,
                        rejection(
                                        FailureCategory.OVERSIZE,
                                        event.event() + " is " + event.json().length + " bytes, above the limit of "
                                                + maxEventBytes,
                                        work)
                                .posthog(413, event.event())
                                .build());
            }
        }
        for (PostHogEvent event : filtered.events()) {
            Work work = workByFact.get(event.factId());
            if (!oversize.contains(work)) {
                origin.put(event, work);
                byPartition
                        .computeIfAbsent(
                                new TopicPartition(work.record.topic(), work.record.partition()),
                                tp -> new ArrayList<>())
                        .add(event);
            }
        }

        Map<TopicPartition, CompletableFuture<Acknowledged>> deliveries = new LinkedHashMap<>();
        byPartition.forEach((partition, events) -> deliveries.put(
                partition, sender.deliver(events).thenApply(rejected -> new Acknowledged(rejected, clock.instant()))));
        RuntimeException failure = null;
        Set<Work> rejectedFacts = new HashSet<>(oversize);
        Map<TopicPartition, Instant> acknowledged = new HashMap<>();
        for (Map.Entry<TopicPartition, CompletableFuture<Acknowledged>> delivery : deliveries.entrySet()) {
            try {
                Acknowledged done = delivery.getValue().join();
                acknowledged.put(delivery.getKey(), done.at());
                deadLetterRejected(done.rejected(), origin, consumer, rejectedFacts);
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime : e;
                if (failure == null || cause instanceof PostHogMisconfiguredException) {
                    failure = cause;
                }
            }
        }

        List<FactKey> deliveredIds = new ArrayList<>();
        Instant now = clock.instant();
        for (Work work : fresh) {
            TopicPartition partition = new TopicPartition(work.record.topic(), work.record.partition());
            // a partition with nothing to send (every event filtered out) is done too
            Instant doneAt = byPartition.containsKey(partition) ? acknowledged.get(partition) : now;
            if (doneAt != null && !rejectedFacts.contains(work) && !work.events.isEmpty()) {
                deliveredIds.add(work.key());
                metrics.latency(Duration.between(Facts.occurredAt(work.fact), doneAt));
            }
        }
        state.markDelivered(deliveredIds);
        metrics.delivered.increment(deliveredIds.size());
        metrics.eventsSent.increment(byPartition.entrySet().stream()
                .filter(entry -> acknowledged.containsKey(entry.getKey()))
                .mapToLong(entry -> entry.getValue().size())
                .sum());
        metrics.batchDuration.record(Duration.ofNanos(System.nanoTime() - started));
        if (failure != null) {
            throw failure;
        }
    }

    /** Drops facts delivered before and repeats of a fact earlier in this batch. */
    private List<Work> withoutDuplicates(List<Work> facts) {
        Set<FactKey> before =
                state.alreadyDelivered(facts.stream().map(Work::key).collect(Collectors.toSet()));
        Set<String> seen = new HashSet<>();
        List<Work> fresh = new ArrayList<>(facts.size());
        for (Work work : facts) {
            if (before.contains(work.key()) || !seen.add(work.factId())) {
                metrics.duplicates.increment();
            } else {
                fresh.add(work);
            }
        }
        return fresh;
    }

    private void deadLetterRejected(
            List<RejectedEvent> rejected,
            Map<PostHogEvent, Work> origin,
            Consumer<?, ?> consumer,
            Set<Work> rejectedFacts) {
        Map<Work, List<RejectedEvent>> byFact = new LinkedHashMap<>();
        for (RejectedEvent event : rejected) {
            byFact.computeIfAbsent(origin.get(event.event()), w -> new ArrayList<>())
                    .add(event);
        }
        byFact.forEach((work, events) -> {
            RejectedEvent first = events.get(0);
            String names = events.stream().map(e -> e.event().event()).collect(Collectors.joining(","));
            FailureCategory category =
                    first.status() == 413 ? FailureCategory.OVERSIZE : FailureCategory.REJECTED_BY_POSTHOG;
            deadLetter(
                    work.record,
                    consumer,
                    rejection(
                                    category,
                                    "PostHog answered " + first.status() + " to " + names + ": " + first.reason(),
                                    work)
                            .attempts(first.attempts(), first.lastFailure())
                            .posthog(first.status(), names)
                            .build());
            rejectedFacts.add(work);
        });
    }

    private FactRejectedException.Builder rejection(FailureCategory category, String message, Work work) {
        return FactRejectedException.of(category, message, clock.instant()).factType(Facts.typeName(work.fact));
    }

    private void deadLetter(
            ConsumerRecord<byte[], byte[]> record, Consumer<?, ?> consumer, FactRejectedException reason) {
        deadLetters.send(record, consumer, reason);
        metrics.deadLettered(reason.category());
    }

    /**
     * A batch retried after a rebalance may hold records of partitions this consumer no longer owns: their new owner
     * delivers them from the last committed offset, so delivering them here too would only send them twice.
     */
    private static List<ConsumerRecord<byte[], byte[]>> stillAssigned(
            List<ConsumerRecord<byte[], byte[]>> records, Consumer<?, ?> consumer) {
        if (consumer == null) {
            return records;
        }
        Set<TopicPartition> assignment = consumer.assignment();
        List<ConsumerRecord<byte[], byte[]>> owned = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (assignment.contains(new TopicPartition(record.topic(), record.partition()))) {
                owned.add(record);
            }
        }
        return owned;
    }

    private void forgetCommitted(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        first.forEach(deadLetters::forgetBefore);
    }
}
