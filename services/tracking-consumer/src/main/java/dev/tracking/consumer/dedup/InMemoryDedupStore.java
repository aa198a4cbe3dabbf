package dev.tracking.consumer.dedup;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The embedded default: state in this process, lost on restart. Delivered ids expire after the window and the oldest
 * are forgotten first beyond {@code maxEntries}; milestone claims and group clocks are bounded the same way. Good for
 * one instance and for local runs; production uses {@link RedisDedupStore}, which survives restarts and is shared by
 * every instance of the group.
 */
public final class InMemoryDedupStore implements DedupStore {
    private final Clock clock;
    private final long windowMillis;
    private final Map<String, Long> delivered;
    private final Map<String, String> claims;
    private final Map<String, Long> clocks;

    public InMemoryDedupStore(Duration window, int maxEntries, Clock clock) {
        this.clock = clock;
        this.windowMillis = window.toMillis();
        this.delivered = bounded(maxEntries);
        this.claims = bounded(maxEntries);
        this.clocks = bounded(maxEntries);
    }

    @Override
    public synchronized Set<FactKey> delivered(Collection<FactKey> facts) {
        long now = clock.millis();
        Set<FactKey> seen = new HashSet<>();
        for (FactKey fact : facts) {
            String id = fact.eventId().toString();
            Long expiry = delivered.get(id);
            if (expiry != null) {
                if (expiry > now) {
                    seen.add(fact);
                } else {
                    delivered.remove(id);
                }
            }
        }
        return seen;
    }

    @Override
    public synchronized void markDelivered(Collection<FactKey> facts) {
        long expiry = clock.millis() + windowMillis;
        for (FactKey fact : facts) {
            String id = fact.eventId().toString();
            delivered.remove(id);
            delivered.put(id, expiry);
        }
    }

    @Override
    public synchronized void release(Map<String, String> released) {
        released.forEach(claims::remove);
    }

    @Override
    public synchronized void restore(Map<String, ClockRestore> restores) {
        restores.forEach((key, restore) -> {
            Long current = clocks.get(key);
            if (current != null && current == restore.expected()) {
                if (restore.replacement() == null) {
                    clocks.remove(key);
                } else {
                    clocks.put(key, restore.replacement());
                }
            }
        });
    }

    @Override
    public synchronized Map<String, String> claim(Map<String, String> requested) {
        Map<String, String> holders = new HashMap<>();
        requested.forEach((key, factId) -> holders.put(key, claims.computeIfAbsent(key, k -> factId)));
        return holders;
    }

    @Override
    public synchronized Map<String, Long> advance(Map<String, Long> requested) {
        Map<String, Long> previous = new HashMap<>();
        requested.forEach((key, millis) -> {
            Long before = clocks.get(key);
            if (before != null) {
                previous.put(key, before);
            }
            if (before == null || millis > before) {
                clocks.put(key, millis);
            }
        });
        return previous;
    }

    @Override
    public String description() {
        return "memory";
    }

    private static <V> Map<String, V> bounded(int maxEntries) {
        return new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxEntries;
            }
        };
    }
}
