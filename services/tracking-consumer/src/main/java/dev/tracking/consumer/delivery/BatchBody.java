package dev.tracking.consumer.delivery;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.tracking.consumer.mapping.PostHogEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The body of one {@code POST /batch/}: {@code {"api_key":…,"historical_migration":true?,"batch":[…]}} built by
 * concatenating the events' pre-rendered JSON, gzip-compressed unless the level is 0. {@code sent_at} is deliberately
 * absent: with it PostHog would shift each timestamp by the clock skew of that request, so a resent event would no
 * longer repeat its first copy exactly.
 *
 * @param bytes what goes on the wire
 * @param uncompressedSize size of the JSON before compression
 * @param gzip whether {@link #bytes} is gzip-compressed
 * @param events the events inside, in order
 */
public record BatchBody(byte[] bytes, int uncompressedSize, boolean gzip, List<PostHogEvent> events) {

    /** Size of the JSON around the events, plus one comma per event. */
    static int envelopeSize(String apiKey, int events) {
        return 64 + apiKey.length() * 6 + events;
    }

    public static BatchBody of(String apiKey, boolean historicalMigration, List<PostHogEvent> events, int gzipLevel) {
        byte[] json = json(apiKey, historicalMigration, events);
        if (gzipLevel == 0) {
            return new BatchBody(json, json.length, false, events);
        }
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(Math.max(512, json.length / 4));
        try (OutputStream gzip = new LevelledGzip(compressed, gzipLevel)) {
            gzip.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BatchBody(compressed.toByteArray(), json.length, true, events);
    }

    /** The uncompressed JSON text of the body. */
    public static byte[] json(String apiKey, boolean historicalMigration, List<PostHogEvent> events) {
        int size = envelopeSize(apiKey, events.size());
        for (PostHogEvent event : events) {
            size += event.json().length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes("{\"api_key\":\"".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(apiKey));
        out.writeBytes((historicalMigration ? "\",\"historical_migration\":true,\"batch\":[" : "\",\"batch\":[")
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(events.get(i).json());
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static final class LevelledGzip extends GZIPOutputStream {
        LevelledGzip(OutputStream out, int level) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(level);
        }
    }
}
