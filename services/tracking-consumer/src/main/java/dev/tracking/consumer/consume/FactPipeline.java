package dev.tracking.consumer.consume;

import dev.tracking.client.registry.SchemaRegistryException;
import dev.tracking.client.registry.SchemaRegistryUnavailableException;
import dev.tracking.consumer.consume.PollOutcome.Retry;
import dev.tracking.consumer.deadletter.DeadLetters;
import dev.tracking.consumer.deadletter.FactRejectedException;
import dev.tracking.consumer.deadletter.FailureCategory;
import dev.tracking.consumer.decode.FactReader;
import dev.tracking.consumer.decode.WriterSchemaPendingException;
import dev.tracking.consumer.dedup.DedupStore.FactKey;
import dev.tracking.consumer.dedup.DedupStoreUnavailableException;
import dev.tracking.consumer.dedup.StateFilter;
import dev.tracking.consumer.delivery.DeliveryOutcome;
import dev.tracking.consumer.delivery.PostHogMisconfiguredException;
import dev.tracking.consumer.delivery.PostHogSender;
import dev.tracking.consumer.delivery.PostHogUnavailableException;
import dev.tracking.consumer.delivery.RejectedEvent;
import dev.tracking.consumer.mapping.EventSelection;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.PostHogEvent;
import dev.tracking.consumer.observe.FactLedger;
import dev.tracking.consumer.observe.FactOutcome;
import dev.tracking.schemas.Facts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll's records through every stage, each partition in offset order:
 *
 * <ol>
 *   <li>{@link #read}: decode and validate; a record that is not a valid fact is set aside for the dead-letter topic,
 *       and a record whose writer schema cannot be resolved now ends its partition's round (retried later);
 *   <li>{@link #skipDelivered}: facts delivered before, and repeats within the poll, are skipped;
 *   <li>{@link #map}: each fact to its PostHog events; any exception sets the fact aside as {@code mapping};
 *   <li>{@link #suppress}: events of tiers switched off, or disabled by name, are taken out: not sent, while their fact
 *       is handled like a delivered one;
 *   <li>{@link #setAsideOversize}: a fact with an event PostHog would refuse for its size is set aside;
 *   <li>{@link #filter}: milestones and group-property order, against the dedup store;
 *   <li>{@link #deliver}: every partition's events concurrently, each partition's in order; waits for all of them;
 *   <li>{@link #settle}: only then, per partition in offset order: dead-letter what was set aside or refused, find how
 *       far the partition is settled, give back the claims and clocks of every event PostHog did not accept (refused,
 *       or not answered: a retry takes them again), and remember delivered facts.
 * </ol>
 *
 * <p>Nothing is thrown while a request is in flight, and nothing here commits: the {@link PollOutcome} says, per
 * partition, what may be committed and where to take up again, and {@link PartitionControl} applies it.
 */
public final class FactPipeline {
    private static final Logger log = LoggerFactory.getLogger(FactPipeline.class);

    private final FactReader reader;
    private final StateFilter state;
    private final FactMapping mapping;
    private final EventSelection selection;
    private final PostHogSender sender;
    private final DeadLetters deadLetters;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final long maxEventBytes;
    private final Duration inPlaceLimit;

    public FactPipeline(
            FactReader reader,
            StateFilter state,
            FactMapping mapping,
            EventSelection selection,
            PostHogSender sender,
            DeadLetters deadLetters,
            PipelineMetrics metrics,
            Clock clock,
            long maxEventBytes,
            Duration inPlaceLimit) {
        this.reader = reader;
        this.state = state;
        this.mapping = mapping;
        this.selection = selection;
        metrics.registerSuppressed(selection.suppressed(mapping.eventTypes().values()));
        metrics.registerEvents(mapping.eventTypes().values());
        this.sender = sender;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.clock = clock;
        this.maxEventBytes = maxEventBytes;
        this.inPlaceLimit = inPlaceLimit;
    }

    /** One record on its way. */
    private static final class Work {
        final ConsumerRecord<byte[], byte[]> record;
        SpecificRecord fact;
        FactKey key;
        FactRejectedException rejection;
        boolean duplicate;
        List<PostHogEvent> events = List.of();
        List<PostHogEvent> suppressed = List.of();

        Work(ConsumerRecord<byte[], byte[]> record) {
            this.record = record;
        }

        String factId() {
            return Facts.eventId(fact);
        }

        boolean live() {
            return fact != null && rejection == null && !duplicate;
        }
    }

    /** This poll's outcomes, for its log line (every record settled by the poll, whether or not counted before). */
    private static final class Tally {
        final Map<FactOutcome, Integer> facts = new EnumMap<>(FactOutcome.class);
        final Map<String, Integer> deadLettered = new TreeMap<>();
        long events;
    }

    /** One partition's records of the poll; those from {@code end} on are left for a later round. */
    private static final class Partition {
        final TopicPartition id;
        final List<Work> work = new ArrayList<>();
        int end;
        RuntimeException endReason;

        Partition(TopicPartition id) {
            this.id = id;
        }

        List<Work> processed() {
            return work.subList(0, end);
        }

        void endAt(int index, RuntimeException reason) {
            if (index < end) {
                end = index;
                endReason = reason;
            }
        }
    }

    /** What the stateful filter kept, and the events of each partition to send, in order. */
    private record Sendable(StateFilter.Filtered filtered, Map<TopicPartition, List<PostHogEvent>> byPartition) {}

    /**
     * Processes one poll. Never throws: failures end up in the outcome.
     *
     * @param consumer the consumer that read the records (names the consumer group in dead-letter headers); may be null
     */
    public PollOutcome process(List<ConsumerRecord<byte[], byte[]>> records, Consumer<?, ?> consumer) {
        long started = System.nanoTime();
        metrics.batchSize.record(records.size());
        List<Partition> partitions = partitions(records);
        Sendable sendable = null;
        try {
            RuntimeException stop = read(partitions);
            skipDelivered(partitions);
            map(partitions);
            suppress(partitions);
            setAsideOversize(partitions);
            sendable = filter(partitions);
            Map<TopicPartition, DeliveryOutcome> outcomes = deliver(sendable);
            return settle(partitions, sendable, outcomes, consumer, stop, started);
        } catch (DedupStoreUnavailableException e) {
            // thrown before anything was sent: every partition starts over from its first record
            log.warn("dedup store unavailable, retrying {} partitions later: {}", partitions.size(), e.getMessage());
            return startOver(partitions, e);
        } catch (RuntimeException e) {
            // a bug: retried from the start like an outage (exact repeats at worst), never skipped
            log.error("unexpected failure processing {} records, retrying them later", records.size(), e);
            if (sendable != null) {
                state.abandon(sendable.filtered().taken());
            }
            return startOver(partitions, e);
        } finally {
            metrics.batchDuration.record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private static List<Partition> partitions(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, Partition> byId = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            byId.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), Partition::new)
                    .work
                    .add(new Work(record));
        }
        for (Partition partition : byId.values()) {
            partition.end = partition.work.size();
        }
        return List.copyOf(byId.values());
    }

    /**
     * Decode and validate. A record's failure is poison (set aside for the dead-letter topic), temporary (its partition
     * ends there for this round) or a refusal by the schema registry (returned: consumption must stop).
     */
    private RuntimeException read(List<Partition> partitions) {
        RuntimeException stop = null;
        for (Partition partition : partitions) {
            List<Work> work = partition.work;
            for (int i = 0; i < partition.end; i++) {
                Work item = work.get(i);
                if (deadLetters.alreadyDeadLettered(item.record)) {
                    item.duplicate = true; // written by an earlier round; only its offset is left to commit
                    consumed(partition, item);
                    continue;
                }
                try {
                    item.fact = reader.read(item.record);
                    item.key = new FactKey(
                            UUID.fromString(item.factId()),
                            Facts.occurredAt(item.fact).toEpochMilli());
                } catch (FactRejectedException e) {
                    item.rejection = e;
                } catch (SchemaRegistryUnavailableException | WriterSchemaPendingException e) {
                    // the record is fine; its schema cannot be resolved yet: the partition waits for it
                    partition.endAt(i, e);
                } catch (SchemaRegistryException e) {
                    partition.endAt(i, e);
                    stop = stop == null ? e : stop;
                } catch (RuntimeException e) {
                    item.rejection = FactRejectedException.of(
                                    FailureCategory.DECODE, "unexpected " + e, clock.instant())
                            .cause(e)
                            .build();
                }
                if (i < partition.end) {
                    consumed(partition, item);
                }
            }
        }
        return stop;
    }

    /** Counts a record read (once, however often its partition is read again), by fact type. */
    private void consumed(Partition partition, Work item) {
        String type = item.fact != null
                ? Facts.typeName(item.fact)
                : item.rejection != null && item.rejection.factType() != null
                        ? item.rejection.factType()
                        : FactLedger.UNKNOWN_TYPE;
        metrics.ledger.consumed(partition.id, item.record.offset(), type);
    }

    /** Drops facts delivered before and repeats of a fact earlier in this poll. */
    private void skipDelivered(List<Partition> partitions) {
        Set<FactKey> keys = new HashSet<>();
        forEachLive(partitions, item -> keys.add(item.key));
        Set<FactKey> before = state.alreadyDelivered(keys);
        Set<FactKey> seen = new HashSet<>();
        forEachLive(partitions, item -> {
            if (before.contains(item.key) || !seen.add(item.key)) {
                item.duplicate = true;
            }
        });
    }

    /** Each fact to its events; whatever mapping throws sets that fact aside (category {@code mapping}). */
    private void map(List<Partition> partitions) {
        forEachLive(partitions, item -> {
            try {
                item.events = mapping.map(item.fact);
            } catch (RuntimeException e) {
                item.rejection = rejection(FailureCategory.MAPPING, e.getMessage(), item)
                        .cause(e)
                        .build();
            }
        });
    }

    /** Takes out the events that are not sent (tier switched off, or disabled); counted once their fact is settled. */
    private void suppress(List<Partition> partitions) {
        forEachLive(partitions, item -> {
            List<PostHogEvent> sent = new ArrayList<>(item.events.size());
            List<PostHogEvent> suppressed = new ArrayList<>(0);
            for (PostHogEvent event : item.events) {
                (selection.sends(event.type()) ? sent : suppressed).add(event);
            }
            if (!suppressed.isEmpty()) {
                item.events = sent;
                item.suppressed = suppressed;
            }
        });
    }

    /** A fact with an event PostHog would refuse for its size is not sent: it goes to the dead-letter topic whole. */
    private void setAsideOversize(List<Partition> partitions) {
        forEachLive(partitions, item -> {
            for (PostHogEvent event : item.events) {
                if (event.json().length > maxEventBytes) {
                    item.rejection = rejection(
                                    FailureCategory.OVERSIZE,
                                    event.event() + " is " + event.json().length + " bytes, above the limit of "
                                            + maxEventBytes,
                                    item)
                            .posthog(413, event.event())
                            .build();
                    return;
                }
            }
        });
    }

    /** Milestones and group-property order for every event of the poll at once (one round trip to the store). */
    private Sendable filter(List<Partition> partitions) {
        List<PostHogEvent> all = new ArrayList<>();
        Map<PostHogEvent, TopicPartition> partitionOf = new IdentityHashMap<>();
        for (Partition partition : partitions) {
            for (Work item : partition.processed()) {
                if (item.live()) {
                    for (PostHogEvent event : item.events) {
                        all.add(event);
                        partitionOf.put(event, partition.id);
                    }
                }
            }
        }
        StateFilter.Filtered filtered = state.filter(all);
        Map<String, TopicPartition> partitionOfFact = new HashMap<>();
        partitionOf.forEach((event, partition) -> partitionOfFact.put(event.factId(), partition));
        Map<TopicPartition, List<PostHogEvent>> byPartition = new LinkedHashMap<>();
        for (PostHogEvent event : filtered.events()) {
            // a re-rendered group update is a new object: find its partition through its fact
            TopicPartition partition = partitionOf.getOrDefault(event, partitionOfFact.get(event.factId()));
            byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(event);
        }
        return new Sendable(filtered, byPartition);
    }

    /**
     * Every partition's events concurrently, each partition's in order; returns once every delivery has ended, even
     * when starting one of them failed (no request may outlive this poll's processing).
     */
    private Map<TopicPartition, DeliveryOutcome> deliver(Sendable sendable) {
        Instant deadline = clock.instant().plus(inPlaceLimit);
        Map<List<TopicPartition>, CompletableFuture<DeliveryOutcome>> deliveries = new LinkedHashMap<>();
        RuntimeException notStarted = null;
        for (List<TopicPartition> group : packed(sendable.byPartition())) {
            List<PostHogEvent> events = new ArrayList<>();
            group.forEach(partition -> events.addAll(sendable.byPartition().get(partition)));
            try {
                deliveries.put(group, sender.deliver(events, deadline));
            } catch (RuntimeException e) {
                notStarted = e;
                break;
            }
        }
        Map<TopicPartition, DeliveryOutcome> outcomes = new HashMap<>();
        deliveries.forEach((group, delivery) -> {
            DeliveryOutcome outcome = delivery.join();
            int from = 0;
            int historicalLeft = outcome.historical();
            for (TopicPartition partition : group) {
                List<PostHogEvent> events = sendable.byPartition().get(partition);
                DeliveryOutcome share = outcome.slice(from, events, historicalLeft);
                outcomes.put(partition, share);
                historicalLeft -= share.historical();
                from += events.size();
            }
        });
        if (notStarted != null) {
            throw notStarted;
        }
        return outcomes;
    }

    /**
     * Which partitions share a delivery: a partition with at least half a request of events goes alone, smaller ones
     * are packed together until they fill a request, so that a poll of a few events from many partitions (a low rate)
     * makes one full request rather than one tiny request per partition. Each partition's events stay together and in
     * order in one delivery, so per-partition order holds either way.
     */
    private List<List<TopicPartition>> packed(Map<TopicPartition, List<PostHogEvent>> byPartition) {
        int requestSize = sender.maxEvents();
        List<List<TopicPartition>> groups = new ArrayList<>();
        List<TopicPartition> shared = new ArrayList<>();
        int sharedEvents = 0;
        for (Map.Entry<TopicPartition, List<PostHogEvent>> partition : byPartition.entrySet()) {
            int events = partition.getValue().size();
            if (events >= requestSize / 2) {
                groups.add(List.of(partition.getKey()));
                continue;
            }
            if (!shared.isEmpty() && sharedEvents + events > requestSize) {
                groups.add(shared);
                shared = new ArrayList<>();
                sharedEvents = 0;
            }
            shared.add(partition.getKey());
            sharedEvents += events;
        }
        if (!shared.isEmpty()) {
            groups.add(shared);
        }
        return groups;
    }

    /**
     * Per partition, in offset order: dead-letter what was set aside or refused (waiting for the broker), find how far
     * the partition is settled, and where it must be taken up again; then give back the state of every event PostHog
     * did not accept and remember delivered facts.
     */
    private PollOutcome settle(
            List<Partition> partitions,
            Sendable sendable,
            Map<TopicPartition, DeliveryOutcome> outcomes,
            Consumer<?, ?> consumer,
            RuntimeException stop,
            long started) {
        Tally tally = new Tally();
        Map<TopicPartition, Long> committable = new LinkedHashMap<>();
        Map<TopicPartition, Retry> retries = new LinkedHashMap<>();
        List<PostHogEvent> sentEvents = sendable.filtered().events();
        Set<PostHogEvent> notAccepted = Collections.newSetFromMap(new IdentityHashMap<>(sentEvents.size()));
        notAccepted.addAll(sentEvents);
        List<FactKey> delivered = new ArrayList<>();
        long eventsHistorical = 0;
        for (Partition partition : partitions) {
            DeliveryOutcome outcome = outcomes.get(partition.id);
            List<PostHogEvent> sent = sendable.byPartition().getOrDefault(partition.id, List.of());
            Map<PostHogEvent, RejectedEvent> rejected = new IdentityHashMap<>();
            if (outcome != null) {
                outcome.rejected().forEach(r -> rejected.put(r.event(), r));
                for (PostHogEvent event : sent.subList(0, outcome.resolved())) {
                    if (!rejected.containsKey(event)) {
                        notAccepted.remove(event);
                    }
                }
                eventsHistorical += outcome.historical();
                if (outcome.failure() instanceof PostHogMisconfiguredException misconfigured && stop == null) {
                    stop = misconfigured;
                }
            }
            int resolvedCount = outcome == null ? 0 : outcome.resolved();
            boolean allResolved = resolvedCount == sent.size(); // the usual case: no set to build or look into
            Set<PostHogEvent> resolved =
                    allResolved ? Set.of() : Collections.newSetFromMap(new IdentityHashMap<>(resolvedCount));
            if (!allResolved) {
                resolved.addAll(sent.subList(0, resolvedCount));
            }
            Map<String, List<PostHogEvent>> sentByFact = sent.stream()
                    .collect(Collectors.groupingBy(PostHogEvent::factId, HashMap::new, Collectors.toList()));
            Instant acknowledgedAt =
                    outcome == null || outcome.acknowledgedAt() == null ? clock.instant() : outcome.acknowledgedAt();
            Instant oldestDelivered = null;
            StateFilter.Dropped dropped = sendable.filtered().dropped();
            for (int i = 0; i < partition.end; i++) {
                Work item = partition.work.get(i);
                if (item.duplicate) {
                    settled(partition, item, FactOutcome.DUPLICATE, List.of(), dropped, tally);
                    continue;
                }
                List<PostHogEvent> accepted = List.of();
                if (item.rejection == null) {
                    List<PostHogEvent> events = sentByFact.getOrDefault(item.factId(), List.of());
                    if (!allResolved && !resolved.containsAll(events)) {
                        partition.endAt(i, outcome.failure());
                        break;
                    }
                    List<RejectedEvent> refusedEvents = rejected.isEmpty()
                            ? List.of()
                            : events.stream()
                                    .map(rejected::get)
                                    .filter(r -> r != null)
                                    .toList();
                    if (refusedEvents.isEmpty()) {
                        delivered.add(item.key);
                        FactOutcome handled = !events.isEmpty()
                                ? FactOutcome.DELIVERED
                                : item.suppressed.isEmpty() ? FactOutcome.DROPPED : FactOutcome.SUPPRESSED;
                        settled(partition, item, handled, events, dropped, tally);
                        if (!events.isEmpty()) {
                            Instant occurredAt = Facts.occurredAt(item.fact);
                            oldestDelivered = oldestDelivered == null || occurredAt.isBefore(oldestDelivered)
                                    ? occurredAt
                                    : oldestDelivered;
                        }
                        continue;
                    }
                    accepted = events.stream()
                            .filter(event -> !rejected.containsKey(event))
                            .toList();
                    item.rejection = refusal(item, refusedEvents);
                }
                try {
                    deadLetters.send(item.record, consumer, item.rejection);
                    settled(partition, item, FactOutcome.DEAD_LETTERED, accepted, dropped, tally);
                } catch (RuntimeException e) {
                    log.warn(
                            "dead-letter topic of {} unavailable; {} is retried from offset {}: {}",
                            partition.id.topic(),
                            partition.id,
                            item.record.offset(),
                            e.toString());
                    partition.endAt(i, e);
                    break;
                }
            }
            if (oldestDelivered != null) {
                metrics.latency(Duration.between(oldestDelivered, acknowledgedAt));
            }
            long next = partition.end < partition.work.size()
                    ? partition.work.get(partition.end).record.offset()
                    : partition.work.get(partition.work.size() - 1).record.offset() + 1;
            if (partition.end > 0) {
                committable.put(partition.id, next);
            }
            if (partition.end < partition.work.size() && partition.endReason != null) {
                Duration retryAfter = partition.endReason instanceof PostHogUnavailableException unavailable
                        ? unavailable.retryAfter()
                        : null;
                retries.put(partition.id, new Retry(next, partition.endReason, retryAfter));
            }
        }
        state.settle(sendable.filtered().taken(), notAccepted, delivered);
        metrics.eventsHistorical.increment(eventsHistorical);
        PollOutcome result = new PollOutcome(committable, retries, stop);
        logSummary(partitions, result, tally, started);
        return result;
    }

    /** One INFO line per poll with its counts (per-record lines are DEBUG): never a payload, a person or a key. */
    private static void logSummary(List<Partition> partitions, PollOutcome outcome, Tally tally, long started) {
        if (!log.isInfoEnabled()) {
            return;
        }
        Map<FactOutcome, Integer> facts = tally.facts;
        log.info(
                "poll of {} records from {} partitions in {} ms: delivered {} facts ({} events), duplicates {},"
                        + " suppressed {}, dropped {}, dead-lettered {}{}; {} partitions to retry{}",
                partitions.stream().mapToInt(partition -> partition.work.size()).sum(),
                partitions.size(),
                (System.nanoTime() - started) / 1_000_000,
                facts.getOrDefault(FactOutcome.DELIVERED, 0),
                tally.events,
                facts.getOrDefault(FactOutcome.DUPLICATE, 0),
                facts.getOrDefault(FactOutcome.SUPPRESSED, 0),
                facts.getOrDefault(FactOutcome.DROPPED, 0),
                facts.getOrDefault(FactOutcome.DEAD_LETTERED, 0),
                tally.deadLettered.isEmpty() ? "" : " " + tally.deadLettered,
                outcome.retries().size(),
                outcome.stop() == null ? "" : "; stopping: " + outcome.stop().getMessage());
    }

    private static PollOutcome startOver(List<Partition> partitions, RuntimeException reason) {
        Map<TopicPartition, Retry> retries = new LinkedHashMap<>();
        for (Partition partition : partitions) {
            retries.put(partition.id, new Retry(partition.work.get(0).record.offset(), reason, null));
        }
        return new PollOutcome(Map.of(), retries, null);
    }

    private FactRejectedException refusal(Work item, List<RejectedEvent> refusedEvents) {
        RejectedEvent first = refusedEvents.get(0);
        String names = refusedEvents.stream().map(e -> e.event().event()).collect(Collectors.joining(","));
        FailureCategory category =
                first.status() == 413 ? FailureCategory.OVERSIZE : FailureCategory.REJECTED_BY_POSTHOG;
        // the first failure is when the first request carrying the event was refused, not when it is dead-lettered
        return FactRejectedException.of(
                        category,
                        "PostHog answered " + first.status() + " to " + names + ": " + first.reason(),
                        first.firstFailure())
                .factType(Facts.typeName(item.fact))
                .attempts(first.attempts(), first.lastFailure())
                .posthog(first.status(), names)
                .build();
    }

    private FactRejectedException.Builder rejection(FailureCategory category, String message, Work item) {
        return FactRejectedException.of(category, message, clock.instant()).factType(Facts.typeName(item.fact));
    }

    /**
     * Counts a settled record under its outcome, and its events, unless it was counted before (settled in an earlier
     * round and read again): each polled record is counted once.
     *
     * @param accepted the fact's events PostHog accepted
     */
    private void settled(
            Partition partition,
            Work item,
            FactOutcome outcome,
            List<PostHogEvent> accepted,
            StateFilter.Dropped dropped,
            Tally tally) {
        String category =
                outcome == FactOutcome.DEAD_LETTERED ? item.rejection.category().header() : null;
        tally.facts.merge(outcome, 1, Integer::sum);
        tally.events += accepted.size();
        if (category != null) {
            tally.deadLettered.merge(category, 1, Integer::sum);
        }
        String type = metrics.ledger.settled(partition.id, item.record.offset(), outcome, category);
        if (type == null) {
            return;
        }
        accepted.forEach(event -> metrics.delivered(event.event()));
        if (outcome != FactOutcome.DEAD_LETTERED && outcome != FactOutcome.DUPLICATE) {
            item.suppressed.forEach(event -> metrics.suppressed(event.type()));
            metrics.dropped(
                    type,
                    dropped.milestonesByFact().getOrDefault(item.factId(), 0),
                    dropped.staleGroupPropertiesByFact().getOrDefault(item.factId(), 0));
        }
    }

    private static void forEachLive(List<Partition> partitions, java.util.function.Consumer<Work> action) {
        for (Partition partition : partitions) {
            for (Work item : partition.processed()) {
                if (item.live()) {
                    action.accept(item);
                }
            }
        }
    }
}
