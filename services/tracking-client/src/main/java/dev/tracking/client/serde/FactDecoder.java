package dev.tracking.client.serde;

import org.apache.avro.specific.SpecificRecord;

/**
 * Turns the bytes of a Kafka record value back into a fact, read with the reader's (current) schema whatever schema
 * version the writer used. Implementations are thread-safe.
 */
public interface FactDecoder {

    /**
     * @throws UnknownWriterSchemaException when the bytes are well framed but name a writer schema this decoder does not
     *     know (yet)
     * @throws UndecodableFactException when the bytes are not a fact this decoder can read
     */
    SpecificRecord decode(String topic, byte[] value);
}
