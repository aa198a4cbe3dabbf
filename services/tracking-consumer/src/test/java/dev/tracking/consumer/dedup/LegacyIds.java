package dev.tracking.consumer.dedup;

import dev.tracking.consumer.dedup.DedupStore.FactKey;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** Store tests written with readable fact names: each name stands for a fixed {@link FactKey}. */
final class LegacyIds {
    private LegacyIds() {}

    static FactKey key(String name) {
        return new FactKey(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)), 0L);
    }

    static Set<String> delivered(DedupStore store, Collection<String> names) {
        Map<FactKey, String> byKey = new LinkedHashMap<>();
        names.forEach(name -> byKey.put(key(name), name));
        return store.delivered(byKey.keySet()).stream().map(byKey::get).collect(Collectors.toSet());
    }

    static void markDelivered(DedupStore store, Collection<String> names) {
        store.markDelivered(names.stream().map(LegacyIds::key).toList());
    }
}
