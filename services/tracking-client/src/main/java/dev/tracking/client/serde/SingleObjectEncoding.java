package dev.tracking.client.serde;

import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.SchemaHistory;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding: {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema,
 * then the Avro binary body. Byte-compatible with Avro's {@code BinaryMessageEncoder}; the embedded default when no
 * schema registry is configured.
 *
 * <p>The decoder knows every released version of every fact schema ({@link SchemaHistory}), so a fact written by an
 * older publisher is read into the current class with Avro schema resolution. A fingerprint it does not know (a
 * publisher with a newer schemas jar) is an {@link UnknownWriterSchemaException}; bytes that are not a well-formed
 * header and body are a plain {@link UndecodableFactException}.
 */
public final class SingleObjectEncoding {
    static final byte MARKER_0 = (byte) 0xC3;
    static final byte MARKER_1 = (byte) 0x01;
    static final int HEADER_LENGTH = 10;

    private SingleObjectEncoding() {}

    /** True when the bytes start with the single-object marker. */
    public static boolean matches(byte[] value) {
        return value != null && value.length >= 2 && value[0] == MARKER_0 && value[1] == MARKER_1;
    }

    /** Encoder writing the current schema of each fact class. */
    public static FactEncoder encoder() {
        return new Encoder();
    }

    /** Decoder for every released schema version of the fact catalogue. */
    public static FactDecoder decoder() {
        return new Decoder(SchemaHistory.all());
    }

    /** Decoder for the given writer schemas of each fact type (plus each type's current schema). */
    static FactDecoder decoder(Map<Class<? extends SpecificRecordBase>, List<Schema>> history) {
        return new Decoder(history);
    }

    private static final class Encoder implements FactEncoder {
        private record Writer(byte[] header, SpecificDatumWriter<SpecificRecord> datumWriter) {}

        private final Map<Schema, Writer> writers = new ConcurrentHashMap<>();

        @Override
        public byte[] encode(String topic, SpecificRecord fact) {
            Schema schema = fact.getSchema();
            Writer writer = writers.computeIfAbsent(
                    schema, s -> new Writer(header(s), new SpecificDatumWriter<>(s, SpecificData.getForSchema(s))));
            return FramedBody.write(writer.header(), writer.datumWriter(), fact);
        }

        private static byte[] header(Schema schema) {
            byte[] header = new byte[HEADER_LENGTH];
            header[0] = MARKER_0;
            header[1] = MARKER_1;
            long fingerprint = SchemaHistory.fingerprint(schema);
            for (int i = 0; i < 8; i++) {
                header[2 + i] = (byte) (fingerprint >>> (8 * i));
            }
            return header;
        }
    }

    private static final class Decoder implements FactDecoder {
        private static final ThreadLocal<BinaryDecoder> REUSE = new ThreadLocal<>();
        private final Map<Long, SpecificDatumReader<SpecificRecord>> readers = new HashMap<>();

        Decoder(Map<Class<? extends SpecificRecordBase>, List<Schema>> history) {
            history.forEach((type, writers) -> {
                Schema reader = FactFamily.schemaOf(type);
                for (Schema writer : writers) {
                    readers.put(
                            SchemaHistory.fingerprint(writer),
                            new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader)));
                }
                readers.putIfAbsent(
                        SchemaHistory.fingerprint(reader),
                        new SpecificDatumReader<>(reader, reader, SpecificData.getForSchema(reader)));
            });
        }

        @Override
        public SpecificRecord decode(String topic, byte[] value) {
            if (!matches(value)) {
                throw new UndecodableFactException(
                        "not Avro single-object encoded (expected marker C3 01, got " + prefix(value) + ")",
                        null,
                        null);
            }
            if (value.length < HEADER_LENGTH) {
                throw new UndecodableFactException(
                        "truncated single-object header: " + value.length + " bytes, expected at least "
                                + HEADER_LENGTH,
                        null,
                        null);
            }
            long fingerprint = fingerprint(value);
            SpecificDatumReader<SpecificRecord> reader = readers.get(fingerprint);
            if (reader == null) {
                String reference = WriterSchemaReference.fingerprint(fingerprint);
                throw new UnknownWriterSchemaException(
                        "unknown writer schema " + reference
                                + " (not a released version of any fact schema in this schemas jar; a newer one?)",
                        reference);
            }
            BinaryDecoder decoder =
                    DecoderFactory.get().binaryDecoder(value, HEADER_LENGTH, value.length - HEADER_LENGTH, REUSE.get());
            REUSE.set(decoder);
            try {
                SpecificRecord fact = reader.read(null, new BoundedDecoder(decoder));
                if (!decoder.isEnd()) {
                    throw new UndecodableFactException(
                            "trailing bytes after the " + fact.getSchema().getName() + " body",
                            WriterSchemaReference.fingerprint(fingerprint),
                            null);
                }
                return fact;
            } catch (IOException | RuntimeException e) {
                if (e instanceof UndecodableFactException u) {
                    throw u;
                }
                String reference = WriterSchemaReference.fingerprint(fingerprint); // only on failure: not per record
                throw new UndecodableFactException(
                        "corrupt Avro body for writer schema " + reference + ": " + e, reference, e);
            }
        }
    }

    /** The little-endian fingerprint of a value with a whole header. */
    static long fingerprint(byte[] value) {
        long fingerprint = 0;
        for (int i = 7; i >= 0; i--) {
            fingerprint = (fingerprint << 8) | (value[2 + i] & 0xFF);
        }
        return fingerprint;
    }

    static String prefix(byte[] value) {
        if (value == null) {
            return "null";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(4, value.length); i++) {
            hex.append(String.format("%02X", value[i]));
        }
        return value.length == 0 ? "0 bytes" : hex.toString();
    }
}
