package dev.tracking.client.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Reads through a byte-array {@link BinaryDecoder}, refusing a string or bytes length longer than what is left of the
 * value: Avro allocates the length read from the input before reading the bytes, so a corrupt length would otherwise
 * allocate up to 2 GB (OutOfMemoryError) instead of failing as a corrupt body. Used by every decoder of this package
 * that reads untrusted record values.
 */
final class BoundedDecoder extends Decoder {
    private final BinaryDecoder in;

    BoundedDecoder(BinaryDecoder in) {
        this.in = in;
    }

    private int boundedLength() throws IOException {
        long length = in.readLong();
        int remaining = in.inputStream().available();
        if (length < 0 || length > remaining) {
            throw new AvroRuntimeException(
                    "length " + length + " exceeds the " + remaining + " bytes left in the value");
        }
        return (int) length;
    }

    private byte[] boundedBytes() throws IOException {
        byte[] bytes = new byte[boundedLength()];
        in.readFixed(bytes, 0, bytes.length);
        return bytes;
    }

    @Override
    public String readString() throws IOException {
        return new String(boundedBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        return new Utf8(boundedBytes());
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        return ByteBuffer.wrap(boundedBytes());
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void skipString() throws IOException {
        in.skipString();
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipBytes();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return in.readArrayStart();
    }

    @Override
    public long arrayNext() throws IOException {
        return in.arrayNext();
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return in.readMapStart();
    }

    @Override
    public long mapNext() throws IOException {
        return in.mapNext();
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
