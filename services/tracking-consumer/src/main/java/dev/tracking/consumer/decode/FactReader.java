package dev.tracking.consumer.decode;

import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.UndecodableFactException;
import dev.tracking.consumer.deadletter.FactRejectedException;
import dev.tracking.consumer.deadletter.FailureCategory;
import dev.tracking.schemas.FactValidator;
import dev.tracking.schemas.Facts;
import java.time.Clock;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Decode and validate: from a Kafka record's bytes to a fact that keeps every rule, or the reason it is not one. */
public final class FactReader {
    private final FactDecoder decoder;
    private final Clock clock;

    public FactReader(FactDecoder decoder, Clock clock) {
        this.decoder = decoder;
        this.clock = clock;
    }

    /**
     * @throws FactRejectedException with category {@code decode} or {@code validation}
     */
    public SpecificRecord read(ConsumerRecord<byte[], byte[]> record) {
        SpecificRecord fact;
        try {
            if (record.value() == null) {
                throw new UndecodableFactException("the record has no value (a tombstone)", null, null);
            }
            fact = decoder.decode(record.topic(), record.value());
        } catch (UndecodableFactException e) {
            throw FactRejectedException.of(FailureCategory.DECODE, e.getMessage(), clock.instant())
                    .cause(e)
                    .writerSchema(e.writerSchema())
                    .build();
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
}
