package dev.tracking.consumer.deadletter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.KafkaUtils;

/**
 * Writes records that can never be delivered to the dead-letter topic of their source topic, through Spring Kafka's
 * {@link DeadLetterPublishingRecoverer}: the original key, value and headers byte for byte, Spring's {@code
 * kafka_dlt-*} headers and ours ({@link DeadLetterHeaders}). {@link #send} returns only once the broker acknowledged
 * the write and throws otherwise, so the caller commits the record's offset only after it is safe in the dead-letter
 * topic. The DLT partition is chosen by the record key, like the source's.
 *
 * <p>When a batch is retried after a partial failure, records already dead-lettered in an earlier attempt are
 * remembered by offset and not written twice ({@link #alreadyDeadLettered}).
 */
public final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final DeadLetterPublishingRecoverer recoverer;
    private final Map<TopicPartition, NavigableSet<Long>> written = new ConcurrentHashMap<>();

    public DeadLetters(KafkaOperations<byte[], byte[]> template, UnaryOperator<String> deadLetterTopicOf) {
        this.recoverer = new DeadLetterPublishingRecoverer(
                template, (record, exception) -> new TopicPartition(deadLetterTopicOf.apply(record.topic()), -1));
        this.recoverer.setFailIfSendResultIsError(true);
        this.recoverer.setHeadersFunction((record, exception) -> headers(exception));
        this.recoverer.setLogRecoveryRecord(false);
    }

    /**
     * Writes {@code record} to its dead-letter topic and waits for the broker's acknowledgement.
     *
     * @param consumer the consumer that read it (names the consumer group in the headers); may be null
     * @throws org.springframework.kafka.KafkaException when the write was not acknowledged
     */
    public void send(ConsumerRecord<byte[], byte[]> record, Consumer<?, ?> consumer, FactRejectedException reason) {
        // per record: DEBUG; the poll's INFO line counts dead letters by category
        log.debug(
                "dead-lettering {}-{}@{}: {} ({})",
                record.topic(),
                record.partition(),
                record.offset(),
                reason.category().header(),
                reason.getMessage());
        recoverer.accept(record, consumer, reason);
        written.computeIfAbsent(
                        new TopicPartition(record.topic(), record.partition()), tp -> new ConcurrentSkipListSet<>())
                .add(record.offset());
    }

    /** True when this record was dead-lettered by an earlier attempt of the same batch. */
    public boolean alreadyDeadLettered(ConsumerRecord<?, ?> record) {
        NavigableSet<Long> offsets = written.get(new TopicPartition(record.topic(), record.partition()));
        return offsets != null && offsets.contains(record.offset());
    }

    /** Forgets offsets below {@code committed}: those records will not be seen again. */
    public void forgetBefore(TopicPartition partition, long committed) {
        NavigableSet<Long> offsets = written.get(partition);
        if (offsets != null) {
            offsets.headSet(committed).clear();
        }
    }

    private static Headers headers(Exception exception) {
        RecordHeaders headers = new RecordHeaders();
        if (!(exception instanceof FactRejectedException reason)) {
            return headers;
        }
        // Spring adds the group only for exceptions thrown by a listener; ours are not, so it is added here
        add(headers, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP, KafkaUtils.getConsumerGroupId());
        add(headers, DeadLetterHeaders.CATEGORY, reason.category().header());
        add(headers, DeadLetterHeaders.ATTEMPTS, Integer.toString(reason.attempts()));
        add(headers, DeadLetterHeaders.FIRST_FAILURE, reason.firstFailure().toString());
        add(headers, DeadLetterHeaders.LAST_FAILURE, reason.lastFailure().toString());
        add(headers, DeadLetterHeaders.HOST, HOST);
        add(headers, DeadLetterHeaders.FACT_TYPE, reason.factType());
        add(headers, DeadLetterHeaders.WRITER_SCHEMA, reason.writerSchema());
        add(
                headers,
                DeadLetterHeaders.POSTHOG_STATUS,
                reason.posthogStatus() == null ? null : reason.posthogStatus().toString());
        add(headers, DeadLetterHeaders.POSTHOG_EVENT, reason.posthogEvents());
        return headers;
    }

    private static void add(Headers headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final String HOST = hostName();

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
