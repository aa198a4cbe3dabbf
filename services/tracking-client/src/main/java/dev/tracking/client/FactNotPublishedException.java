package dev.tracking.client;

import java.time.Instant;

/**
 * Kafka did not acknowledge a fact: it may be missing, or it may have landed with only the acknowledgement lost. Send
 * the same fact again: it carries the {@code event_id} and {@code occurred_at} named here (the publisher filled them on
 * the caller's record), so the consumer drops a copy that did land. {@link #getCause()} is Kafka's exception.
 */
public class FactNotPublishedException extends RuntimeException {
    private final String topic;
    private final String eventId;
    private final Instant occurredAt;

    public FactNotPublishedException(
            String factType, String topic, String eventId, Instant occurredAt, Throwable cause) {
        super(
                factType + " " + eventId + " (occurred_at " + occurredAt + ") not acknowledged by Kafka on " + topic
                        + ": " + cause,
                cause);
        this.topic = topic;
        this.eventId = eventId;
        this.occurredAt = occurredAt;
    }

    /** The topic the fact was sent to. */
    public String topic() {
        return topic;
    }

    /** The fact's {@code event_id}, as sent. */
    public String eventId() {
        return eventId;
    }

    /** The fact's {@code occurred_at}, as sent. */
    public Instant occurredAt() {
        return occurredAt;
    }
}
