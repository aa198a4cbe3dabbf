package dev.tracking.consumer.dedup;

import dev.tracking.consumer.config.DedupProperties.OnUnavailable;
import dev.tracking.consumer.mapping.PostHogEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful stages around mapping, backed by the {@link DedupStore}:
 *
 * <ul>
 *   <li>{@link #alreadyDelivered}: facts delivered before (within the window) are skipped;
 *   <li>{@link #filter}: a milestone is kept only for the fact holding its claim, and a {@code $groupidentify}
 *       property older than the last one applied for that team is dropped (the whole event when none is left);
 *   <li>{@link #markDelivered}: remembers delivered facts.
 * </ul>
 *
 * When the store is unreachable, {@link OnUnavailable#PAUSE} throws {@link DedupStoreUnavailableException} (the batch
 * is retried later), {@link OnUnavailable#FAIL_OPEN} delivers without the store's help.
 */
public final class StateFilter {
    private static final Logger log = LoggerFactory.getLogger(StateFilter.class);

    /** What the filter dropped, for metrics. */
    public record Dropped(int milestones, int staleGroupProperties, int staleGroupEvents) {}

    /** Events to send, and what was dropped. */
    public record Filtered(List<PostHogEvent> events, Dropped dropped) {}

    private static final long WARN_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final DedupStore store;
    private final OnUnavailable onUnavailable;
    private final java.util.concurrent.atomic.AtomicLong lastWarning = new java.util.concurrent.atomic.AtomicLong();

    public StateFilter(DedupStore store, OnUnavailable onUnavailable) {
        this.store = store;
        this.onUnavailable = onUnavailable;
    }

    /** Of {@code facts}, those delivered before. */
    public Set<DedupStore.FactKey> alreadyDelivered(Collection<DedupStore.FactKey> facts) {
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
            return new Filtered(events, new Dropped(0, 0, 0));
        }
        Map<String, String> holders;
        Map<String, Long> applied;
        try {
            holders = claims.isEmpty() ? Map.of() : store.claim(claims);
            applied = clocks.isEmpty() ? Map.of() : store.advance(clocks);
        } catch (DedupStoreUnavailableException e) {
            holders = failOpen(e, claims);
            applied = Map.of();
        }
        List<PostHogEvent> kept = new ArrayList<>(events.size());
        Map<String, Long> appliedInBatch = new HashMap<>();
        int milestones = 0;
        int staleProperties = 0;
        int staleEvents = 0;
        for (PostHogEvent event : events) {
            if (event.onceKey() != null && !event.factId().equals(holders.get(event.onceKey()))) {
                milestones++;
                continue;
            }
            PostHogEvent.GroupUpdate update = event.groupUpdate();
            if (update != null) {
                List<String> stale = new ArrayList<>(0);
                for (String property : update.properties()) {
                    String key = clockKey(event, property);
                    long at = update.occurredAtMillis();
                    if (at < applied.getOrDefault(key, Long.MIN_VALUE)
                            || at < appliedInBatch.getOrDefault(key, Long.MIN_VALUE)) {
                        stale.add(property);
                    } else {
                        appliedInBatch.put(key, at);
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
            }
            kept.add(event);
        }
        return new Filtered(kept, new Dropped(milestones, staleProperties, staleEvents));
    }

    /**
     * Remembers delivered facts. A failure is logged, not thrown: the events are already in PostHog and the offsets
     * will be committed, so the only cost is that a fact published again later would not be recognised.
     */
    public void markDelivered(Collection<DedupStore.FactKey> facts) {
        if (facts.isEmpty()) {
            return;
        }
        try {
            store.markDelivered(facts);
        } catch (DedupStoreUnavailableException e) {
            if (shouldWarn()) {
                log.warn(
                        "could not remember {} delivered facts in {}: {}",
                        facts.size(),
                        store.description(),
                        e.getMessage());
            }
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
