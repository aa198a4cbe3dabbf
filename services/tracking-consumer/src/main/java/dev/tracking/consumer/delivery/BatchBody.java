package dev.tracking.consumer.delivery;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.tracking.consumer.mapping.PostHogEvent;
import java.io.BufferedOutputStream;
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
        byte[] head = head(apiKey, historicalMigration);
        int size = exactSize(head, events);
        if (gzipLevel == 0) {
            return new BatchBody(json(head, size, events), size, false, events);
        }
        // the JSON goes straight into gzip, through a buffer that feeds the deflater in large pieces: no copy of the
        // uncompressed body is made (it used to be built, then copied, then compressed)
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(Math.max(512, size / 4));
        try (OutputStream gzip = new BufferedOutputStream(new LevelledGzip(compressed, gzipLevel), 64 * 1024)) {
            gzip.write(head);
            for (int i = 0; i < events.size(); i++) {
                if (i > 0) {
                    gzip.write(',');
                }
                gzip.write(events.get(i).json());
            }
            gzip.write(TAIL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BatchBody(compressed.toByteArray(), size, true, events);
    }

    /** The uncompressed JSON text of the body. */
    public static byte[] json(String apiKey, boolean historicalMigration, List<PostHogEvent> events) {
        byte[] head = head(apiKey, historicalMigration);
        return json(head, exactSize(head, events), events);
    }

    private static byte[] json(byte[] head, int size, List<PostHogEvent> events) {
        byte[] json = new byte[size];
        System.arraycopy(head, 0, json, 0, head.length);
        int at = head.length;
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                json[at++] = ',';
            }
            byte[] event = events.get(i).json();
            System.arraycopy(event, 0, json, at, event.length);
            at += event.length;
        }
        System.arraycopy(TAIL, 0, json, at, TAIL.length);
        return json;
    }

    private static final byte[] TAIL = "]}".getBytes(StandardCharsets.UTF_8);

    /** {@code {"api_key":"…","historical_migration":true?,"batch":[}. */
    private static byte[] head(String apiKey, boolean historicalMigration) {
        byte[] key = JsonStringEncoder.getInstance().quoteAsUTF8(apiKey);
        byte[] open = "{\"api_key\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] rest = (historicalMigration ? "\",\"historical_migration\":true,\"batch\":[" : "\",\"batch\":[")
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = new byte[open.length + key.length + rest.length];
        System.arraycopy(open, 0, head, 0, open.length);
        System.arraycopy(key, 0, head, open.length, key.length);
        System.arraycopy(rest, 0, head, open.length + key.length, rest.length);
        return head;
    }

    /** Bytes of the JSON text: the head, the events with a comma between two, the tail. */
    private static int exactSize(byte[] head, List<PostHogEvent> events) {
        int size = head.length + TAIL.length + Math.max(0, events.size() - 1);
        for (PostHogEvent event : events) {
            size += event.json().length;
        }
        return size;
    }

    private static final class LevelledGzip extends GZIPOutputStream {
        LevelledGzip(OutputStream out, int level) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(level);
        }
    }
}
