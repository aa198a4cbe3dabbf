package dev.tracking.consumer.dedup;

import dev.tracking.consumer.config.DedupProperties.OnUnavailable;
import dev.tracking.consumer.dedup.DedupStore.ClockRestore;
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
 *       whole when none of its properties is older than the last value applied for the team, dropped when all are, and
 *       otherwise re-rendered without the stale ones under a uuid of its own (so a uuid never carries two bodies);
 *   <li>{@link #settle}: once PostHog has answered, claims and clocks taken by events it did not accept are given back,
 *       and delivered facts are remembered. State therefore only ever reflects what PostHog accepted.
 * </ul>
 *
 * When the store is unreachable, {@link OnUnavailable#PAUSE} throws {@link DedupStoreUnavailableException} (the
 * partitions are retried later), {@link OnUnavailable#FAIL_OPEN} delivers without the store's help.
 */
public final class StateFilter {
    private static final Logger log = LoggerFactory.getLogger(StateFilter.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** What the filter dropped, for metrics. */
    public record Dropped(int milestones, int staleGroupProperties, int staleGroupEvents) {}

    /**
     * Events to send, what was dropped, and what the filter changed in the store on their behalf.
     *
     * @param events the events to send, in order
     * @param dropped counts of what was left out
     * @param taken claims and clocks taken for the kept events, to be given back for those PostHog does not accept
     */
    public record Filtered(List<PostHogEvent> events, Dropped dropped, Taken taken) {}

    /** The claims and clock advances made for a batch: per event, and what each clock was before. */
    public static final class Taken {
        static final Taken NOTHING = new Taken();

        private final Map<PostHogEvent, String> claimByEvent = new IdentityHashMap<>();
        private final Map<PostHogEvent, List<String>> clocksByEvent = new IdentityHashMap<>();
        private final Map<String, Long> advancedTo = new HashMap<>();
        private final Map<String, Long> before = new HashMap<>();
    }

    private final DedupStore store;
    private final OnUnavailable onUnavailable;
    private final AtomicLong lastWarning = new AtomicLong();

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
        Map<String, Long> clocks = new HashMap<>();
        for (PostHogEvent event : events) {
            if (event.onceKey() != null) {
                claims.putIfAbsent(event.onceKey(), event.factId());
            }
            if (event.groupUpdate() != null) {
                for (String property : event.groupUpdate().properties()) {
                    clocks.merge(clockKey(event, property), event.groupUpdate().occurredAtMillis(), Math::max);
                }
            }
        }
        if (claims.isEmpty() && clocks.isEmpty()) {
            return new Filtered(events, new Dropped(0, 0, 0), Taken.NOTHING);
        }
        Map<String, String> holders;
        Map<String, Long> applied;
        try {
            holders = claims.isEmpty() ? Map.of() : store.claim(claims);
            applied = clocks.isEmpty() ? Map.of() : store.advance(clocks);
        } catch (DedupStoreUnavailableException e) {
            holders = failOpen(e, claims);
            applied = Map.of();
            clocks = Map.of(); // nothing was advanced, nothing to give back
        }
        Taken taken = new Taken();
        taken.advancedTo.putAll(clocks);
        taken.before.putAll(applied);
        List<PostHogEvent> kept = new ArrayList<>(events.size());
        Map<String, Long> appliedInBatch = new HashMap<>();
        int milestones = 0;
        int staleProperties = 0;
        int staleEvents = 0;
        for (PostHogEvent event : events) {
            if (event.onceKey() != null) {
                if (!event.factId().equals(holders.get(event.onceKey()))) {
                    milestones++;
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
        return new Filtered(kept, new Dropped(milestones, staleProperties, staleEvents), taken);
    }

    /**
     * After PostHog's answer: gives back the claims and clock advances of {@code notAccepted} events (refused by
     * PostHog, or not answered: their partition is retried, and the retry takes them again) so that they block nothing
     * (an update later in a partition must not make an earlier one stale before either reached PostHog), then
     * remembers {@code delivered} facts.
     *
     * <p>Failures are logged, not thrown: the events are already in PostHog (or in the dead-letter topic) and the
     * offsets will be committed, so the cost of a failure here is only a fact not recognised when published again, or
     * a claim or clock left to an event PostHog refused.
     */
    public void settle(Taken taken, Set<PostHogEvent> notAccepted, Collection<FactKey> delivered) {
        if (!notAccepted.isEmpty() && taken != Taken.NOTHING) {
            try {
                giveBack(taken, notAccepted);
            } catch (DedupStoreUnavailableException e) {
                warn(
                        "could not give back the claims and clocks of {} events PostHog refused in {}: {}",
                        notAccepted.size(),
                        e);
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

    private void giveBack(Taken taken, Set<PostHogEvent> notAccepted) {
        Map<String, String> releases = new HashMap<>();
        taken.claimByEvent.forEach((event, key) -> {
            if (notAccepted.contains(event)) {
                releases.put(key, event.factId());
            }
        });
        // the latest time among accepted events per clock key: what the clock should say now
        Map<String, Long> acceptedMax = new HashMap<>();
        Set<String> touched = new HashSet<>();
        taken.clocksByEvent.forEach((event, keys) -> {
            for (String key : keys) {
                if (notAccepted.contains(event)) {
                    touched.add(key);
                } else {
                    acceptedMax.merge(key, event.groupUpdate().occurredAtMillis(), Math::max);
                }
            }
        });
        Map<String, ClockRestore> restores = new HashMap<>();
        for (String key : touched) {
            Long advancedTo = taken.advancedTo.get(key);
            if (advancedTo == null) {
                continue; // delivered fail-open: nothing was advanced
            }
            Long before = taken.before.get(key);
            Long accepted = acceptedMax.get(key);
            if ((before != null && before >= advancedTo) || (accepted != null && accepted.equals(advancedTo))) {
                continue; // this batch did not move the clock, or an accepted event holds it
            }
            Long replacement = before;
            if (accepted != null) {
                replacement = before == null ? accepted : Long.valueOf(Math.max(before, accepted));
            }
            restores.put(key, new ClockRestore(advancedTo, replacement));
        }
        if (!releases.isEmpty()) {
            store.release(releases);
        }
        if (!restores.isEmpty()) {
            store.restore(restores);
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
