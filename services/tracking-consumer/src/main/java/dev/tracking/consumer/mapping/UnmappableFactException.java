package dev.tracking.consumer.mapping;

/** A fact type has no mapping to PostHog events. Permanent: the record is dead-lettered. */
public class UnmappableFactException extends RuntimeException {
    public UnmappableFactException(String message) {
        super(message);
    }
}
