package dev.tracking.consumer.decode;

import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.UndecodableFactException;
import dev.tracking.client.serde.UnknownWriterSchemaException;
import dev.tracking.client.serde.WriterSchemaReference;
import dev.tracking.consumer.deadletter.FactRejectedException;
import dev.tracking.consumer.deadletter.FailureCategory;
import dev.tracking.schemas.FactValidator;
import dev.tracking.schemas.Facts;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Decode and validate: from a Kafka record's bytes to a fact that keeps every rule, or the reason it is not one, or
 * word that it cannot be read yet. A record naming a writer schema the decoder does not know is held (retryable) for
 * the {@link UnknownSchemaHold}'s time before it is dead-lettered as undecodable.
 */
public final class FactReader {
    private final FactDecoder decoder;
    private final UnknownSchemaHold hold;
    private final Clock clock;

    /** Without a hold: a record naming an unknown writer schema is dead-lettered at once. */
    public FactReader(FactDecoder decoder, Clock clock) {
        this(decoder, new UnknownSchemaHold(Duration.ZERO, clock), clock);
    }

    public FactReader(FactDecoder decoder, UnknownSchemaHold hold, Clock clock) {
        this.decoder = decoder;
        this.hold = hold;
        this.clock = clock;
    }

    /**
     * @throws FactRejectedException with category {@code decode} or {@code validation}: dead-letter the record
     * @throws WriterSchemaPendingException the record names a writer schema unknown for less than the hold: read it
     *     again later
     */
    public SpecificRecord read(ConsumerRecord<byte[], byte[]> record) {
        SpecificRecord fact;
        try {
            if (record.value() == null) {
                throw new UndecodableFactException("the record has no value (a tombstone)", null, null);
            }
            fact = decoder.decode(record.topic(), record.value());
        } catch (UnknownWriterSchemaException e) {
            throw unknownWriterSchema(record, e);
        } catch (UndecodableFactException e) {
            throw FactRejectedException.of(FailureCategory.DECODE, e.getMessage(), clock.instant())
                    .cause(e)
                    .writerSchema(e.writerSchema())
                    .build();
        }
        if (!hold.isEmpty()) {
            hold.resolved(WriterSchemaReference.of(record.value()));
        }
        List<String> violations = FactValidator.violations(fact);
        if (!violations.isEmpty()) {
            throw FactRejectedException.of(
                            FailureCategory.VALIDATION,
                            Facts.typeName(fact) + " " + String.join("; ", violations),
                            clock.instant())
                    .factType(Facts.typeName(fact))
                    .build();
        }
        return fact;
    }

    private RuntimeException unknownWriterSchema(
            ConsumerRecord<byte[], byte[]> record, UnknownWriterSchemaException e) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        UnknownSchemaHold.Unknown unknown = hold.unknown(e.writerSchema(), partition + "@" + record.offset());
        if (unknown.held()) {
            return new WriterSchemaPendingException(
                    e.writerSchema(),
                    partition,
                    record.offset(),
                    unknown.since(),
                    unknown.deadLetterAt(),
                    unknown.lastSeen(),
                    e);
        }
        return FactRejectedException.of(
                        FailureCategory.DECODE,
                        e.getMessage() + "; unknown since " + unknown.since() + ", longer than"
                                + " tracking.schema-registry.unknown-schema-hold="
                                + UnknownSchemaHold.text(hold.hold()),
                        unknown.lastSeen())
                .cause(e)
                .writerSchema(e.writerSchema())
                .build();
    }
}
