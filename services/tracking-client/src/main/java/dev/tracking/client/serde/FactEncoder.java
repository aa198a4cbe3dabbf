package dev.tracking.client.serde;

import org.apache.avro.specific.SpecificRecord;

/** Turns a fact into the bytes of a Kafka record value. Implementations are thread-safe. */
public interface FactEncoder {

    /**
     * @param topic the topic the value is written to (a schema registry derives the subject from it)
     * @throws IllegalArgumentException when the fact cannot be encoded with its schema (a required field is null)
     */
    byte[] encode(String topic, SpecificRecord fact);
}
