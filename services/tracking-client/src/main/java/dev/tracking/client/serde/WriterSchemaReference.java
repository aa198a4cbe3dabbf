package dev.tracking.client.serde;

import java.util.HexFormat;

/**
 * How a value names its writer schema, as decoders report it ({@link UndecodableFactException#writerSchema()}) and
 * dead-letter headers carry it: {@code registry-id:<n>} in the Confluent framing, {@code fingerprint:<16 hex digits>}
 * in Avro single-object encoding.
 */
public final class WriterSchemaReference {
    private static final HexFormat HEX = HexFormat.of();

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
        return "fingerprint:" + HEX.toHexDigits(fingerprint); // not String.format: it is on every decode's path
    }
}
