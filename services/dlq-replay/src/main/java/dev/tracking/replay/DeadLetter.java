package dev.tracking.replay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record of a dead-letter topic, as the consumer wrote it: the original key, value and headers byte for byte, plus
 * Spring Kafka's {@code kafka_dlt-*} headers and the consumer's {@code tracking_dlt-*} headers (see the README's "Dead
 * letters"), which this class reads. Only those headers are read: the tool never needs the consumer's state.
 *
 * @param topic the dead-letter topic
 * @param partition partition in the dead-letter topic
 * @param offset offset in the dead-letter topic
 * @param timestamp when it was written to the dead-letter topic
 * @param key the original key, or null
 * @param value the original value, or null
 * @param originalHeaders the original record's headers, in order (every header but {@code kafka_dlt-*} and
 *     {@code tracking_dlt-*})
 * @param deadLetterHeaders the {@code kafka_dlt-*} and {@code tracking_dlt-*} headers, the last value of each
 */
record DeadLetter(
        String topic,
        int partition,
        long offset,
        Instant timestamp,
        byte[] key,
        byte[] value,
        List<Header> originalHeaders,
        Map<String, byte[]> deadLetterHeaders) {

    static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
    static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
    static final String ORIGINAL_TIMESTAMP = "kafka_dlt-original-timestamp";
    static final String EXCEPTION_FQCN = "kafka_dlt-exception-fqcn";
    static final String EXCEPTION_CAUSE_FQCN = "kafka_dlt-exception-cause-fqcn";
    static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";
    static final String EXCEPTION_STACKTRACE = "kafka_dlt-exception-stacktrace";
    private static final Pattern CAUSED_BY = Pattern.compile("(?m)^Caused by: ([\\w.$]+)");
    static final String CATEGORY = "tracking_dlt-category";
    static final String FIRST_FAILURE = "tracking_dlt-first-failure";
    static final String LAST_FAILURE = "tracking_dlt-last-failure";
    static final String FACT_TYPE = "tracking_dlt-fact-type";
    static final String POSTHOG_STATUS = "tracking_dlt-posthog-status";

    /** The failure categories the consumer writes ({@code tracking_dlt-category}). */
    static final List<String> CATEGORIES =
            List.of("decode", "validation", "mapping", "rejected-by-posthog", "oversize");

    /** Headers Spring's and the consumer's dead-letter writer add (numbers of Spring's are big-endian binary). */
    static boolean isDeadLetterHeader(String name) {
        return name.startsWith("kafka_dlt-") || name.startsWith("tracking_dlt-");
    }

    static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
        List<Header> original = new ArrayList<>();
        Map<String, byte[]> deadLetter = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            if (isDeadLetterHeader(header.key())) {
                deadLetter.put(header.key(), header.value());
            } else {
                original.add(header);
            }
        }
        return new DeadLetter(
                record.topic(),
                record.partition(),
                record.offset(),
                Instant.ofEpochMilli(record.timestamp()),
                record.key(),
                record.value(),
                List.copyOf(original),
                deadLetter);
    }

    /** {@code <topic>-<partition>@<offset>} of the dead letter itself. */
    String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }

    /** {@code <topic>/<partition>/<offset>}, as in {@link ReplayHeaders#OF}. */
    String reference() {
        return topic + "/" + partition + "/" + offset;
    }

    String sourceTopic() {
        return text(ORIGINAL_TOPIC);
    }

    /** The original partition, or -1 when the header is missing or malformed. */
    int sourcePartition() {
        byte[] bytes = deadLetterHeaders.get(ORIGINAL_PARTITION);
        return bytes != null && bytes.length == 4 ? ByteBuffer.wrap(bytes).getInt() : -1;
    }

    /** The original offset, or -1 when the header is missing or malformed. */
    long sourceOffset() {
        return longHeader(ORIGINAL_OFFSET);
    }

    /** The original record's timestamp, or null. */
    Instant sourceTimestamp() {
        long millis = longHeader(ORIGINAL_TIMESTAMP);
        return millis < 0 ? null : Instant.ofEpochMilli(millis);
    }

    /** Whether the headers say where it came from, so it can be replayed there. */
    boolean hasSource() {
        return sourceTopic() != null && sourcePartition() >= 0 && sourceOffset() >= 0;
    }

    /**
     * The source record this dead letter stands for, {@code <topic>/<partition>/<offset>}: two dead letters of one
     * record (a crash between the dead-letter write and the commit) share it. Null without {@link #hasSource()}.
     */
    String identity() {
        return hasSource() ? sourceTopic() + "/" + sourcePartition() + "/" + sourceOffset() : null;
    }

    /** {@code tracking_dlt-category}, or {@code unknown}. */
    String category() {
        String category = text(CATEGORY);
        return category == null ? "unknown" : category;
    }

    /**
     * The most telling exception class: the innermost cause in {@code kafka_dlt-exception-stacktrace} ("Caused by:"),
     * else Spring's cause class, else the exception's; may be null. (The consumer's exception is always a
     * FactRejectedException; a decode or mapping failure carries the real error as its cause.)
     */
    String exceptionClass() {
        List<String> causes = causesInStackTrace();
        if (!causes.isEmpty()) {
            return causes.get(causes.size() - 1);
        }
        String cause = text(EXCEPTION_CAUSE_FQCN);
        return cause != null ? cause : text(EXCEPTION_FQCN);
    }

    /** Whether {@code name} (simple or fully qualified) is the exception's class or one of its causes'. */
    boolean exceptionMatches(String name) {
        List<String> classes = new ArrayList<>(causesInStackTrace());
        classes.add(text(EXCEPTION_FQCN));
        classes.add(text(EXCEPTION_CAUSE_FQCN));
        for (String fqcn : classes) {
            if (fqcn != null && (fqcn.equals(name) || fqcn.endsWith("." + name) || fqcn.endsWith("$" + name))) {
                return true;
            }
        }
        return false;
    }

    /** Classes of the "Caused by:" lines of the stack trace, outermost first. */
    private List<String> causesInStackTrace() {
        String trace = text(EXCEPTION_STACKTRACE);
        if (trace == null) {
            return List.of();
        }
        List<String> causes = new ArrayList<>();
        Matcher matcher = CAUSED_BY.matcher(trace);
        while (matcher.find()) {
            causes.add(matcher.group(1));
        }
        return causes;
    }

    String exceptionMessage() {
        return text(EXCEPTION_MESSAGE);
    }

    /** {@code tracking_dlt-fact-type}, when the consumer could decode the fact; else null. */
    String factType() {
        return text(FACT_TYPE);
    }

    /** {@code tracking_dlt-posthog-status}, or null. */
    String posthogStatus() {
        return text(POSTHOG_STATUS);
    }

    /** When it failed last: {@code tracking_dlt-last-failure}, else when it was dead-lettered. */
    Instant failedAt() {
        String last = text(LAST_FAILURE);
        if (last != null) {
            try {
                return Instant.parse(last);
            } catch (DateTimeParseException e) {
                // falls back to the record's time
            }
        }
        return timestamp;
    }

    /** How many times this record's fact was replayed before it landed here ({@link ReplayHeaders#COUNT}); 0 if never. */
    int replayCount() {
        for (int i = originalHeaders.size() - 1; i >= 0; i--) {
            Header header = originalHeaders.get(i);
            if (header.key().equals(ReplayHeaders.COUNT) && header.value() != null) {
                try {
                    return Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** The key as text when it is UTF-8, else null. */
    String keyText() {
        return key == null ? null : Bytes.utf8OrNull(key);
    }

    String text(String header) {
        byte[] bytes = deadLetterHeaders.get(header);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private long longHeader(String header) {
        byte[] bytes = deadLetterHeaders.get(header);
        return bytes != null && bytes.length == 8 ? ByteBuffer.wrap(bytes).getLong() : -1;
    }
}
