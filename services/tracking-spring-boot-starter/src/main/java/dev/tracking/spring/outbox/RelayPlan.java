package dev.tracking.spring.outbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which locked rows a relay round may send without breaking the order of a key (a team): a row goes only when every
 * earlier waiting row of its key is in the same round. Another relay holding an earlier row of the key (it locked it
 * first; {@code SKIP LOCKED} hid it from this round) means the rest of that key waits for the next round.
 */
final class RelayPlan {
    private RelayPlan() {}

    /**
     * @param locked the rows this round locked, in id order
     * @param waiting id and key of every waiting (not parked) row of those keys up to the highest locked id, in id order
     *     (read without locks: rows locked by other relays included)
     * @return the locked rows to send, in id order
     */
    static List<OutboxRow> sendable(List<OutboxRow> locked, List<Waiting> waiting) {
        Set<Long> mine = new HashSet<>();
        for (OutboxRow row : locked) {
            mine.add(row.id());
        }
        Map<String, Boolean> keyBlocked = new HashMap<>();
        Set<Long> allowed = new HashSet<>();
        for (Waiting row : waiting) {
            if (keyBlocked.getOrDefault(row.partitionKey(), false)) {
                continue;
            }
            if (mine.contains(row.id())) {
                allowed.add(row.id());
            } else {
                keyBlocked.put(row.partitionKey(), true);
            }
        }
        List<OutboxRow> sendable = new ArrayList<>();
        for (OutboxRow row : locked) {
            if (allowed.contains(row.id())) {
                sendable.add(row);
            }
        }
        return sendable;
    }

    /** A waiting row as seen without locks. */
    record Waiting(long id, String partitionKey) {}
}
