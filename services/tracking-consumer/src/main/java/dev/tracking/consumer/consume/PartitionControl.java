package dev.tracking.consumer.consume;

import dev.tracking.consumer.consume.PollOutcome.Retry;
import dev.tracking.consumer.deadletter.DeadLetters;
import dev.tracking.consumer.delivery.BackoffPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * What the consumer does to its partitions after a poll, on the consumer's thread, following the {@link PollOutcome}:
 *
 * <ul>
 *   <li>commits, per partition, exactly what was settled, and only for partitions this consumer still owns (the
 *       container commits nothing itself: its ack mode is {@code MANUAL} and nothing is acknowledged through it);
 *   <li>rewinds a partition to retry to its first unsettled record and pauses it for the back-off of its consecutive
 *       failures (or the {@code Retry-After} PostHog asked for, if longer); the container keeps polling meanwhile, so
 *       the consumer stays in its group, and resumes the partition when the pause ends;
 *   <li>throws the outcome's stop reason, after committing, so the container's error handler stops consumption.
 * </ul>
 */
public final class PartitionControl {
    private static final Logger log = LoggerFactory.getLogger(PartitionControl.class);

    private final Supplier<MessageListenerContainer> container;
    private final ListenerContainerPauseService pauses;
    private final BackoffPolicy backoff;
    private final DeadLetters deadLetters;
    private final Duration commitTimeout;
    private final Backpressure backpressure;
    private final Map<TopicPartition, Integer> failures = new ConcurrentHashMap<>(); // consumer threads share it

    /**
     * @param container the listener container whose partitions are paused (looked up when first needed)
     * @param backoff the wait after the n-th consecutive failure of a partition
     */
    public PartitionControl(
            Supplier<MessageListenerContainer> container,
            ListenerContainerPauseService pauses,
            BackoffPolicy backoff,
            DeadLetters deadLetters,
            Duration commitTimeout,
            Backpressure backpressure) {
        this.container = container;
        this.pauses = pauses;
        this.backoff = backoff;
        this.deadLetters = deadLetters;
        this.commitTimeout = commitTimeout;
        this.backpressure = backpressure;
    }

    /** Applies {@code outcome} to {@code consumer}; must run on the consumer's thread (inside the listener). */
    public void apply(PollOutcome outcome, Consumer<?, ?> consumer) {
        Set<TopicPartition> owned = consumer.assignment();
        commit(outcome.committable(), owned, consumer);
        if (outcome.stop() != null) {
            throw outcome.stop();
        }
        outcome.committable().keySet().forEach(partition -> {
            if (!outcome.retries().containsKey(partition)) {
                failures.remove(partition);
                backpressure.settled(partition);
            }
        });
        outcome.retries().forEach((partition, retry) -> {
            if (owned.contains(partition)) {
                retryLater(partition, retry, consumer);
            }
        });
    }

    private void commit(Map<TopicPartition, Long> committable, Set<TopicPartition> owned, Consumer<?, ?> consumer) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        committable.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                offsets.put(partition, new OffsetAndMetadata(offset));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, commitTimeout);
            offsets.forEach((partition, offset) -> deadLetters.forgetBefore(partition, offset.offset()));
        } catch (RuntimeException e) {
            // delivered but not committed: a later owner reads these records again and skips them as delivered
            log.warn("could not commit {}: {}", offsets, e.toString());
        }
    }

    private void retryLater(TopicPartition partition, Retry retry, Consumer<?, ?> consumer) {
        int attempt = failures.merge(partition, 1, Integer::sum);
        Duration pause = backoff.waitAfter(attempt, retry.retryAfter());
        String reason = retry.reason() == null ? "unknown" : retry.reason().getMessage();
        log.warn(
                "{} retried from offset {} in {} ms (attempt {}): {}",
                partition,
                retry.offset(),
                pause.toMillis(),
                attempt,
                reason);
        consumer.seek(partition, retry.offset());
        pauses.pausePartition(container.get(), partition, pause);
        backpressure.paused(partition, retry.offset(), pause, attempt, reason);
    }
}
