package dev.tracking.client.serde;

import java.util.Objects;

/**
 * The bytes are well framed but name a writer schema the decoder does not know: a registry id the registry answered
 * "not found" for (Confluent error 40403), or a single-object fingerprint that is no released version of a fact schema
 * in the schemas jar. Unlike the other {@link UndecodableFactException}s this one may pass: the schema may be
 * registered a moment later, a registry replica may catch up, the consumer may be deployed with the newer schemas jar
 * a producer already uses. A consumer holds such a record for a while before dead-lettering it (tracking-consumer's
 * {@code tracking.schema-registry.unknown-schema-hold}); callers that cannot wait treat it as undecodable.
 */
public class UnknownWriterSchemaException extends UndecodableFactException {

    /** @param writerSchema the reference in the bytes, {@code registry-id:<n>} or {@code fingerprint:<hex>} */
    public UnknownWriterSchemaException(String message, String writerSchema) {
        super(message, Objects.requireNonNull(writerSchema, "writerSchema"), null);
    }
}
