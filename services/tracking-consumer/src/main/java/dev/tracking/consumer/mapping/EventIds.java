package dev.tracking.consumer.mapping;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Deterministic PostHog event ids: a name-based UUID (RFC 9562 version 5, SHA-1) of the fact's {@code event_id} and the
 * PostHog event name, in a namespace of our own. The same fact always yields the same uuid per PostHog event, so a
 * re-delivered fact repeats its events exactly and PostHog merges them; two events of one fact get different uuids.
 */
public final class EventIds {
    /** Namespace of all uuids this service derives; never change it, or re-deliveries stop merging. */
    public static final UUID NAMESPACE = UUID.fromString("6f1c2a5e-8d3b-4e0f-9a7c-2b4d6e8f0a13");

    private static final byte[] NAMESPACE_BYTES = ByteBuffer.allocate(16)
            .putLong(NAMESPACE.getMostSignificantBits())
            .putLong(NAMESPACE.getLeastSignificantBits())
            .array();
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    });

    private EventIds() {}

    /** The uuid of PostHog event {@code eventName} produced by the fact {@code factEventId}. */
    public static UUID of(String factEventId, String eventName) {
        MessageDigest sha1 = SHA1.get();
        sha1.reset();
        sha1.update(NAMESPACE_BYTES);
        sha1.update(factEventId.getBytes(StandardCharsets.UTF_8));
        sha1.update((byte) '/');
        byte[] hash = sha1.digest(eventName.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
