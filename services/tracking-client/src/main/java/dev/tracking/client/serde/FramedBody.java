package dev.tracking.client.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;

/** Writes a framing header followed by a record's Avro binary body: what every encoder here produces. */
final class FramedBody {
    private FramedBody() {}

    /** @throws IllegalArgumentException when the record does not fit its schema (a required field is null) */
    static <R extends IndexedRecord> byte[] write(byte[] header, DatumWriter<? super R> writer, R record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(header);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (NullPointerException | AvroRuntimeException | ClassCastException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + record.getSchema().getName() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
