package dev.tracking.consumer.decode;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;

/**
 * A record names a writer schema that is unknown for now, and has been for less than {@code
 * tracking.schema-registry.unknown-schema-hold}: the record is fine as far as anyone can tell, its schema has not
 * reached this consumer yet. Retryable: read the partition again from this record's offset later; do not dead-letter
 * it and do not commit past it. Once the hold is over {@link FactReader} dead-letters such records instead ({@code
 * FactRejectedException}, category {@code decode}).
 */
public class WriterSchemaPendingException extends RuntimeException {
    private final String writerSchema;
    private final TopicPartition partition;
    private final long offset;
    private final Instant since;
    private final Instant deadLetterAt;

    /**
     * @param since when a record first named the schema and it was unknown
     * @param deadLetterAt when records naming it will be dead-lettered if it is still unknown
     * @param at now
     */
    public WriterSchemaPendingException(
            String writerSchema,
            TopicPartition partition,
            long offset,
            Instant since,
            Instant deadLetterAt,
            Instant at,
            Throwable cause) {
        super(
                "writer schema " + writerSchema + " of " + partition + "@" + offset + " unknown, held for "
                        + UnknownSchemaHold.text(Duration.between(since, at)) + " (since " + since
                        + "); its records are dead-lettered from " + deadLetterAt + " unless it becomes known",
                cause);
        this.writerSchema = writerSchema;
        this.partition = partition;
        this.offset = offset;
        this.since = since;
        this.deadLetterAt = deadLetterAt;
    }

    /** The reference the record names, {@code registry-id:<n>} or {@code fingerprint:<hex>}. */
    public String writerSchema() {
        return writerSchema;
    }

    /** The record's partition. */
    public TopicPartition partition() {
        return partition;
    }

    /** The record's offset: where to read its partition again from. */
    public long offset() {
        return offset;
    }

    /** When a record first named the schema and it was unknown. */
    public Instant since() {
        return since;
    }

    /** When records naming it will be dead-lettered if it is still unknown. */
    public Instant deadLetterAt() {
        return deadLetterAt;
    }
}
