package dev.tracking.client.serde;

import dev.tracking.client.registry.SchemaRegistryClient;
import dev.tracking.client.registry.SubjectNameStrategy;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * The Confluent wire format, byte-compatible with Confluent's {@code KafkaAvroSerializer}: magic byte {@code 0x00}, the
 * writer schema's registry id as a 4-byte big-endian int, then the Avro binary body. Used when a schema registry is
 * configured; any tool that speaks the format (Kafka UI, kcat, Connect's {@code AvroConverter}, ksqlDB) reads the
 * topics.
 *
 * <pre>
 * 00 | 00 00 00 2A | Avro binary body ...      (schema id 42)
 * </pre>
 *
 * <p>{@link #decoder} accepts both framings the pipeline uses, by their first bytes: {@code 00} is this one, {@code C3
 * 01} is Avro single-object encoding ({@link SingleObjectEncoding}), anything else is undecodable. So a topic can move
 * from the embedded default to a registry (or back) without draining it first.
 */
public final class ConfluentEncoding {
    /** First byte of every value in this format. */
    public static final byte MAGIC_BYTE = 0x00;
    /** Magic byte plus schema id. */
    public static final int HEADER_LENGTH = 5;

    private ConfluentEncoding() {}

    /** True when the bytes start with the magic byte and are long enough to hold a schema id. */
    public static boolean matches(byte[] value) {
        return value != null && value.length >= HEADER_LENGTH && value[0] == MAGIC_BYTE;
    }

    /** The schema id of a value in this format (see {@link #matches}). */
    public static int schemaId(byte[] value) {
        return ((value[1] & 0xFF) << 24) | ((value[2] & 0xFF) << 16) | ((value[3] & 0xFF) << 8) | (value[4] & 0xFF);
    }

    /** The 5-byte header of a value written with schema {@code id}. */
    public static byte[] header(int schemaId) {
        return new byte[] {
            MAGIC_BYTE, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId
        };
    }

    /**
     * An encoder that registers each fact's schema under its subject on first use (or finds it when already
     * registered) and caches the id: steady-state sends make no registry call.
     */
    public static ConfluentEncoder encoder(SchemaRegistryClient registry, SubjectNameStrategy strategy) {
        return new ConfluentEncoder(registry, strategy, true);
    }

    /**
     * A decoder for both framings: Confluent (writer schema fetched from {@code registry} by id, cached) and Avro
     * single-object encoding (writer schema from the released versions in the schemas jar). Facts are read into the
     * current generated classes. See {@link ConfluentDecoder} for failures.
     */
    public static FactDecoder decoder(SchemaRegistryClient registry) {
        return new AnyFraming(new ConfluentDecoder(registry), SingleObjectEncoding.decoder());
    }

    /** Dispatches on the first bytes. */
    static final class AnyFraming implements FactDecoder {
        private final FactDecoder confluent;
        private final FactDecoder singleObject;

        AnyFraming(FactDecoder confluent, FactDecoder singleObject) {
            this.confluent = Objects.requireNonNull(confluent);
            this.singleObject = Objects.requireNonNull(singleObject);
        }

        @Override
        public SpecificRecord decode(String topic, byte[] value) {
            if (value != null && value.length > 0 && value[0] == MAGIC_BYTE) {
                return confluent.decode(topic, value);
            }
            if (SingleObjectEncoding.matches(value)) {
                return singleObject.decode(topic, value);
            }
            throw new UndecodableFactException(
                    "neither Confluent framing (00 + 4-byte schema id) nor Avro single-object encoding (C3 01): starts"
                            + " with " + SingleObjectEncoding.prefix(value),
                    null,
                    null);
        }
    }
}
