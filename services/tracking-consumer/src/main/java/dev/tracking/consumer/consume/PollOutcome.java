package dev.tracking.consumer.consume;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What one poll's records came to, per partition: how far each may be committed, and where each must be taken up
 * again. A partition is in {@code committable} when some leading records of it were settled (delivered, dead-lettered
 * with the broker's acknowledgement, or skipped as duplicates); it is in {@code retries} when a record of it could not
 * be settled now (PostHog, the schema registry, the dedup store or the dead-letter topic unavailable).
 *
 * @param committable per partition, the offset to commit: the first record not settled, or one past the last
 * @param retries per partition, the record to take up again and why
 * @param stop when not null, consumption must stop (a misconfiguration no retry fixes); retries are then moot
 */
public record PollOutcome(
        Map<TopicPartition, Long> committable, Map<TopicPartition, Retry> retries, RuntimeException stop) {

    /**
     * @param offset the first record to read again
     * @param reason why it could not be settled
     * @param retryAfter how long the destination asked us to wait, or null
     */
    public record Retry(long offset, RuntimeException reason, Duration retryAfter) {}
}
