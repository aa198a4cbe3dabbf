package dev.tracking.replay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What a replay of the matched dead letters does with each, decided before anything is sent:
 *
 * <ul>
 *   <li>{@link #toReplay}: re-published to its original topic and partition with its original key, value and headers
 *       byte for byte, plus {@link ReplayHeaders} (the previous replay's replaced);
 *   <li>{@link #alreadyReplayed}: the audit topic says an earlier replay sent it: skipped;
 *   <li>{@link #duplicates}: another dead letter of the same source record (dead-lettered twice) comes first: that one
 *       stands for both;
 *   <li>{@link #refused}: its fact was replayed {@code maxReplays} times already, or it lacks the headers naming its
 *       source: reported, never sent.
 * </ul>
 */
record ReplayPlan(
        List<DeadLetterScan.Matched> toReplay,
        List<DeadLetterScan.Matched> alreadyReplayed,
        List<DeadLetterScan.Matched> duplicates,
        List<DeadLetterScan.Matched> refused,
        int maxReplays) {

    static ReplayPlan of(List<DeadLetterScan.Matched> matched, AuditLog audit, int maxReplays) {
        List<DeadLetterScan.Matched> toReplay = new ArrayList<>();
        List<DeadLetterScan.Matched> already = new ArrayList<>();
        List<DeadLetterScan.Matched> duplicates = new ArrayList<>();
        List<DeadLetterScan.Matched> refused = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (DeadLetterScan.Matched item : matched) {
            DeadLetter letter = item.letter();
            if (!letter.hasSource()) {
                refused.add(item);
            } else if (!seen.add(letter.identity())) {
                duplicates.add(item);
            } else if (audit.replayOf(letter.identity()) != null) {
                already.add(item);
            } else if (letter.replayCount() >= maxReplays) {
                refused.add(item);
            } else {
                toReplay.add(item);
            }
        }
        return new ReplayPlan(toReplay, already, duplicates, refused, maxReplays);
    }

    /** Why a refused dead letter is not replayed. */
    String refusal(DeadLetter letter) {
        return letter.hasSource()
                ? "replayed " + letter.replayCount() + " times already (--max-replays " + maxReplays + ")"
                : "no kafka_dlt-original-topic/-partition/-offset headers: not a dead letter this tool can place";
    }

    /** The record {@code letter} is replayed as. */
    static ProducerRecord<byte[], byte[]> record(DeadLetter letter, String replayId) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : letter.originalHeaders()) {
            if (!header.key().startsWith(ReplayHeaders.PREFIX)) {
                headers.add(header.key(), header.value());
            }
        }
        headers.add(ReplayHeaders.ID, replayId.getBytes(StandardCharsets.UTF_8));
        headers.add(
                ReplayHeaders.COUNT, Integer.toString(letter.replayCount() + 1).getBytes(StandardCharsets.UTF_8));
        headers.add(ReplayHeaders.OF, letter.reference().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(
                letter.sourceTopic(), letter.sourcePartition(), null, letter.key(), letter.value(), headers);
    }
}
