package dev.tracking.consumer.dedup;

import dev.tracking.consumer.config.DedupProperties.OnUnavailable;
import dev.tracking.consumer.dedup.DedupStore.FactKey;
import dev.tracking.consumer.mapping.PostHogEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful stages around mapping, backed by the {@link DedupStore}:
 *
 * <ul>
 *   <li>{@link #alreadyDelivered}: facts delivered before (within the window) are skipped;
 *   <li>{@link #filter}: a milestone is kept only for the fact holding its claim, and a {@code $groupidentify} is sent
 *       whole when none of its properties is older than the last value PostHog accepted (or than one of this process
 *       still in flight), dropped when all are, and otherwise re-rendered without the stale ones under a uuid of its own
 *       (so a uuid never carries two bodies);
 *   <li>{@link #settle}: once PostHog has answered, the clocks of the group updates it accepted are advanced, the claims
 *       of events it refused or did not answer are given back, and delivered facts are remembered.
 * </ul>
 *
 * Clocks are read before sending and advanced only after PostHog accepted: a process that dies in between leaves no
 * clock behind that would make its redelivered updates look stale to its successor. Updates of this process still in
 * flight count too, so a later poll does not send an older value behind a newer one; {@link #abandon} forgets a batch
 * that will not be settled (its records are read again).
 *
 * <p>When the store is unreachable, {@link OnUnavailable#PAUSE} throws {@link DedupStoreUnavailableException} (the
 * partitions are retried later), {@link OnUnavailable#FAIL_OPEN} delivers without the store's help.
 */
public final class StateFilter {
    private static final Logger log = LoggerFactory.getLogger(StateFilter.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * What the filter dropped, for metrics.
     *
     * @param milestonesByFact per fact id, its milestone events dropped
     * @param staleGroupPropertiesByFact per fact id, its group properties dropped as stale
     */
    public record Dropped(
            int milestones,
            int staleGroupProperties,
            int staleGroupEvents,
            Map<String, Integer> milestonesByFact,
            Map<String, Integer> staleGroupPropertiesByFact) {
        static final Dropped NOTHING = new Dropped(0, 0, 0, Map.of(), Map.of());
    }

    /**
     * Events to send, what was dropped, and what the filter took on their behalf.
     *
     * @param events the events to send, in order
     * @param dropped counts of what was left out
     * @param taken claims taken and clocks due for the kept events, settled once PostHog has answered
     */
    public record Filtered(List<PostHogEvent> events, Dropped dropped, Taken taken) {}

    /** The claims taken for a batch, and the clock keys each kept group update will advance once accepted. */
    public static final class Taken {
        static final Taken NOTHING = new Taken();

        private final Map<PostHogEvent, String> claimByEvent = new IdentityHashMap<>();
        private final Map<PostHogEvent, List<String>> clocksByEvent = new IdentityHashMap<>();
    }

    private final DedupStore store;
    private final OnUnavailable onUnavailable;
    private final AtomicLong lastWarning = new AtomicLong();
    private final Set<Taken> inFlight = ConcurrentHashMap.newKeySet();

    public StateFilter(DedupStore store, OnUnavailable onUnavailable) {
        this.store = store;
        this.onUnavailable = onUnavailable;
    }

    /** Of {@code facts}, those delivered before. */
    public Set<FactKey> alreadyDelivered(Collection<FactKey> facts) {
        if (facts.isEmpty()) {
            return Set.of();
        }
        try {
            return store.delivered(facts);
        } catch (DedupStoreUnavailableException e) {
            return failOpen(e, Set.of());
        }
    }

    /** Applies milestone claims and group-update order to {@code events} (in delivery order). */
    public Filtered filter(List<PostHogEvent> events) {
        Map<String, String> claims = new LinkedHashMap<>();
        Set<String> clockKeys = new HashSet<>();
        for (PostHogEvent event : events) {
            if (event.onceKey() != null) {
                claims.putIfAbsent(event.onceKey(), event.factId());
            }
            if (event.groupUpdate() != null) {
                for (String property : event.groupUpdate().properties()) {
                    clockKeys.add(clockKey(event, property));
                }
            }
        }
        if (claims.isEmpty() && clockKeys.isEmpty()) {
            return new Filtered(events, Dropped.NOTHING, Taken.NOTHING);
        }
        Map<String, String> holders;
        Map<String, Long> applied;
        try {
            holders = claims.isEmpty() ? Map.of() : store.claim(claims);
            applied = clockKeys.isEmpty() ? new HashMap<>() : new HashMap<>(store.clocks(clockKeys));
        } catch (DedupStoreUnavailableException e) {
            holders = failOpen(e, claims);
            applied = new HashMap<>();
        }
        addInFlight(clockKeys, applied);
        Taken taken = new Taken();
        List<PostHogEvent> kept = new ArrayList<>(events.size());
        Map<String, Long> appliedInBatch = new HashMap<>();
        int milestones = 0;
        int staleProperties = 0;
        int staleEvents = 0;
        Map<String, Integer> milestonesByFact = new HashMap<>();
        Map<String, Integer> staleByFact = new HashMap<>();
        for (PostHogEvent event : events) {
            if (event.onceKey() != null) {
                if (!event.factId().equals(holders.get(event.onceKey()))) {
                    milestones++;
                    milestonesByFact.merge(event.factId(), 1, Integer::sum);
                    continue;
                }
                taken.claimByEvent.put(event, event.onceKey());
            }
            PostHogEvent.GroupUpdate update = event.groupUpdate();
            if (update != null) {
                List<String> stale = new ArrayList<>(0);
                List<String> fresh = new ArrayList<>(update.properties().size());
                for (String property : update.properties()) {
                    String key = clockKey(event, property);
                    long at = update.occurredAtMillis();
                    if (at < applied.getOrDefault(key, Long.MIN_VALUE)
                            || at < appliedInBatch.getOrDefault(key, Long.MIN_VALUE)) {
                        stale.add(property);
                    } else {
                        appliedInBatch.put(key, at);
                        fresh.add(key);
                    }
                }
                if (!stale.isEmpty()) {
                    staleProperties += stale.size();
                    staleByFact.merge(event.factId(), stale.size(), Integer::sum);
                    event = event.withoutGroupProperties(stale);
                    if (event == null) {
                        staleEvents++;
                        continue;
                    }
                }
                taken.clocksByEvent.put(event, fresh);
            }
            kept.add(event);
        }
        if (!taken.clocksByEvent.isEmpty()) {
            inFlight.add(taken);
        }
        return new Filtered(
                kept, new Dropped(milestones, staleProperties, staleEvents, milestonesByFact, staleByFact), taken);
    }

    /** Raises {@code applied} to the times of this process's group updates still in flight. */
    private void addInFlight(Set<String> clockKeys, Map<String, Long> applied) {
        if (clockKeys.isEmpty()) {
            return;
        }
        for (Taken pending : inFlight) {
            pending.clocksByEvent.forEach((event, keys) -> {
                for (String key : keys) {
                    if (clockKeys.contains(key)) {
                        applied.merge(key, event.groupUpdate().occurredAtMillis(), Math::max);
                    }
                }
            });
        }
    }

    /**
     * After PostHog's answer: advances the clocks of the group updates it accepted (every kept event not in {@code
     * notAccepted}), gives back the claims of {@code notAccepted} events (refused, or not answered: their partition is
     * retried and takes them again), then remembers {@code delivered} facts.
     *
     * <p>Failures are logged, not thrown: the events are already in PostHog (or in the dead-letter topic) and the
     * offsets will be committed, so the cost of a failure here is a fact not recognised when published again, a claim
     * left to an event PostHog refused, or an older group update not recognised as stale later.
     */
    public void settle(Taken taken, Set<PostHogEvent> notAccepted, Collection<FactKey> delivered) {
        if (taken != Taken.NOTHING) {
            try {
                advanceAccepted(taken, notAccepted);
                releaseRefused(taken, notAccepted);
            } catch (DedupStoreUnavailableException e) {
                warn(
                        "could not record the claims and clocks of {} events in {}: {}",
                        taken.claimByEvent.size() + taken.clocksByEvent.size(),
                        e);
            } finally {
                inFlight.remove(taken);
            }
        }
        if (!delivered.isEmpty()) {
            try {
                store.markDelivered(delivered);
            } catch (DedupStoreUnavailableException e) {
                warn("could not remember {} delivered facts in {}: {}", delivered.size(), e);
            }
        }
    }

    /** Forgets a batch that will not be settled (its records are read again): its updates are no longer in flight. */
    public void abandon(Taken taken) {
        inFlight.remove(taken);
    }

    private void advanceAccepted(Taken taken, Set<PostHogEvent> notAccepted) {
        Map<String, Long> accepted = new HashMap<>();
        taken.clocksByEvent.forEach((event, keys) -> {
            if (!notAccepted.contains(event)) {
                for (String key : keys) {
                    accepted.merge(key, event.groupUpdate().occurredAtMillis(), Math::max);
                }
            }
        });
        if (!accepted.isEmpty()) {
            store.advance(accepted);
        }
    }

    private void releaseRefused(Taken taken, Set<PostHogEvent> notAccepted) {
        Map<String, String> releases = new HashMap<>();
        taken.claimByEvent.forEach((event, key) -> {
            if (notAccepted.contains(event)) {
                releases.put(key, event.factId());
            }
        });
        if (!releases.isEmpty()) {
            store.release(releases);
        }
    }

    private <T> T failOpen(DedupStoreUnavailableException e, T fallback) {
        if (onUnavailable == OnUnavailable.PAUSE) {
            throw e;
        }
        if (shouldWarn()) {
            log.warn(
                    "dedup store {} unavailable, delivering without it (fail-open): {}",
                    store.description(),
                    e.getMessage());
        }
        return fallback;
    }

    private void warn(String message, int count, DedupStoreUnavailableException e) {
        if (shouldWarn()) {
            log.warn(message, count, store.description(), e.getMessage());
        }
    }

    /** At most one warning every 10 s: an outage of the store must not flood the log with a line per batch. */
    private boolean shouldWarn() {
        long now = System.nanoTime();
        long last = lastWarning.get();
        return (last == 0 || now - last > WARN_EVERY_NANOS) && lastWarning.compareAndSet(last, now);
    }

    private static String clockKey(PostHogEvent event, String property) {
        return event.groupUpdate().team() + "\u001f" + property;
    }
}
