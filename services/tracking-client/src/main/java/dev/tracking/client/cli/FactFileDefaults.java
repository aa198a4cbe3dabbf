package dev.tracking.client.cli;

import dev.tracking.schemas.Facts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@code event_id} and {@code occurred_at} that {@code publish} gives a line of a fact file which leaves them out,
 * chosen so that publishing the same file again repeats the same facts, and the consumer drops those already
 * delivered:
 *
 * <ul>
 *   <li>{@code event_id}: a name-based UUID (RFC 9562 version 5, SHA-1) of the line number and the line's exact text,
 *       in a namespace of its own;
 *   <li>{@code occurred_at}: the file's last-modified time, to the millisecond.
 * </ul>
 *
 * <p>Editing a line, or adding or removing lines above it, changes its derived id; saving the file changes the derived
 * time of every line. A line that gives {@code event_id} or {@code occurred_at} keeps its own.
 */
final class FactFileDefaults {
    /** Namespace of derived fact ids; never change it, or files published before stop repeating their ids. */
    static final UUID NAMESPACE = UUID.fromString("d0a64c9b-79e8-4951-b388-36a4b085566e");

    private final Instant lastModified;

    FactFileDefaults(Instant lastModified) {
        this.lastModified = lastModified.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The defaults of {@code file}, as it is now. */
    static FactFileDefaults of(Path file) throws IOException {
        return new FactFileDefaults(Files.getLastModifiedTime(file).toInstant());
    }

    /** The {@code occurred_at} of a line that has none: the file's last-modified time, to the millisecond. */
    Instant occurredAt() {
        return lastModified;
    }

    /**
     * Sets the fact's empty {@code event_id} and unset {@code occurred_at} (the epoch) from its line.
     *
     * @param lineNumber 1-based number of the line in the file
     * @param line the line's text as read, without its line terminator
     */
    void fill(SpecificRecord fact, int lineNumber, String line) {
        if (Facts.eventId(fact).isEmpty()) {
            fact.put(Facts.EVENT_ID, eventIdOf(lineNumber, line));
        }
        if (Facts.occurredAt(fact).equals(Instant.EPOCH)) {
            fact.put(Facts.OCCURRED_AT, lastModified);
        }
    }

    /** The {@code event_id} of line {@code lineNumber} (1-based) with text {@code line} when it gives none. */
    static String eventIdOf(int lineNumber, String line) {
        return nameBased(NAMESPACE, (lineNumber + ":" + line).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** RFC 9562 version 5 (SHA-1) UUID of {@code name} in {@code namespace}. */
    static UUID nameBased(UUID namespace, byte[] name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
        sha1.update(ByteBuffer.allocate(16)
                .putLong(namespace.getMostSignificantBits())
                .putLong(namespace.getLeastSignificantBits())
                .array());
        byte[] hash = sha1.digest(name);
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
