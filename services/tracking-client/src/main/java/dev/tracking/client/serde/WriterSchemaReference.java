package dev.tracking.client.serde;

/**
 * How a value names its writer schema, as decoders report it ({@link UndecodableFactException#writerSchema()}) and
 * dead-letter headers carry it: {@code registry-id:<n>} in the Confluent framing, {@code fingerprint:<16 hex digits>}
 * in Avro single-object encoding.
 */
public final class WriterSchemaReference {
    private WriterSchemaReference() {}

    /** The reference in a value's header, or null when the value is in neither framing. */
    public static String of(byte[] value) {
        if (ConfluentEncoding.matches(value)) {
            return registryId(ConfluentEncoding.schemaId(value));
        }
        if (SingleObjectEncoding.matches(value) && value.length >= SingleObjectEncoding.HEADER_LENGTH) {
            return fingerprint(SingleObjectEncoding.fingerprint(value));
        }
        return null;
    }

    /** {@code registry-id:<id>}. */
    public static String registryId(int id) {
        return "registry-id:" + id;
    }

    /** {@code fingerprint:<16 lower-case hex digits>}. */
    public static String fingerprint(long fingerprint) {
        return String.format("fingerprint:%016x", fingerprint);
    }
}
