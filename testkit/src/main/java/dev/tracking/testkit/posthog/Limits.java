package dev.tracking.testkit.posthog;

/**
 * Size limits enforced by a {@link FakePostHog}; thread-safe, changes apply to the next request.
 *
 * <p>Defaults are capture's: a {@code /batch} body may be {@value #DEFAULT_MAX_BODY_BYTES} bytes (20 MiB, capture's
 * {@code BATCH_BODY_SIZE}), checked on the body as received and again after gunzip; one event may be
 * {@value #DEFAULT_MAX_EVENT_BYTES} bytes (capture's default {@code KAFKA_PRODUCER_MESSAGE_MAX_BYTES}, the Kafka message
 * limit that makes capture answer "maximum event size exceeded"). The fake measures an event as the UTF-8 length of its
 * JSON object as received; capture measures the Kafka message it builds from it, which is a little larger.
 */
public final class Limits {
    /** Capture's {@code BATCH_BODY_SIZE}: 20 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;
    /** Capture's default Kafka {@code message.max.bytes}: 1,000,000 bytes. */
    public static final long DEFAULT_MAX_EVENT_BYTES = 1_000_000L;

    private volatile long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private volatile long maxEventBytes = DEFAULT_MAX_EVENT_BYTES;

    Limits() {}

    /** Largest accepted body, compressed and uncompressed; above it the request gets 413. */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Sets {@link #maxBodyBytes()}; must be positive. */
    public Limits maxBodyBytes(long bytes) {
        this.maxBodyBytes = positive("maxBodyBytes", bytes);
        return this;
    }

    /** Largest accepted event (its JSON object, UTF-8); a batch holding a bigger one gets 413 as a whole. */
    public long maxEventBytes() {
        return maxEventBytes;
    }

    /** Sets {@link #maxEventBytes()}; must be positive. */
    public Limits maxEventBytes(long bytes) {
        this.maxEventBytes = positive("maxEventBytes", bytes);
        return this;
    }

    /** Restores the defaults. */
    public Limits reset() {
        maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
        return this;
    }

    private static long positive(String name, long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + bytes);
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "Limits[maxBodyBytes=" + maxBodyBytes + ", maxEventBytes=" + maxEventBytes + "]";
    }
}
