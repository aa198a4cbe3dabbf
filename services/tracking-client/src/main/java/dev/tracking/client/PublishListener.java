package dev.tracking.client;

import java.time.Duration;

/**
 * Told the outcome of every {@link FactPublisher#publish}, for metrics and health. Called on Kafka's I/O thread (or the
 * caller's, for a fact that failed before it was sent): keep it quick; an exception it throws is logged and ignored.
 */
public interface PublishListener {

    /** Does nothing. */
    PublishListener NONE = new PublishListener() {
        @Override
        public void published(String factType, FactPublisher.Published published, Duration latency) {}

        @Override
        public void failed(String factType, Throwable error, Duration latency) {}
    };

    /** Kafka acknowledged the fact, {@code latency} after {@code publish} was called. */
    void published(String factType, FactPublisher.Published published, Duration latency);

    /**
     * The fact was not published: the exception the future completed with ({@link FactNotPublishedException}, {@link
     * InvalidFactException}, an encoding or registry failure).
     */
    void failed(String factType, Throwable error, Duration latency);
}
