package dev.tracking.consumer.deadletter;

/**
 * Headers added to a dead-lettered record, beside Spring Kafka's {@code kafka_dlt-*} ones (original topic, partition,
 * offset, timestamp and timestamp type, consumer group, exception class, cause class, message and stack trace). The
 * original key, value and headers are kept byte for byte.
 */
public final class DeadLetterHeaders {
    /** {@link FailureCategory#header()}: decode, validation, mapping, rejected-by-posthog, oversize. */
    public static final String CATEGORY = "tracking_dlt-category";
    /** How many times the record was tried before it was dead-lettered, decimal. */
    public static final String ATTEMPTS = "tracking_dlt-attempts";
    /** ISO-8601 time of the first failure. */
    public static final String FIRST_FAILURE = "tracking_dlt-first-failure";
    /** ISO-8601 time of the last failure. */
    public static final String LAST_FAILURE = "tracking_dlt-last-failure";
    /** Host name of the consumer that dead-lettered it. */
    public static final String HOST = "tracking_dlt-host";
    /** Record name of the fact, when it could be decoded. */
    public static final String FACT_TYPE = "tracking_dlt-fact-type";
    /** The writer schema the bytes named (fingerprint or registry id), when the framing was recognised. */
    public static final String WRITER_SCHEMA = "tracking_dlt-writer-schema";
    /** PostHog's HTTP status, for rejected-by-posthog and oversize after a 413. */
    public static final String POSTHOG_STATUS = "tracking_dlt-posthog-status";
    /** The PostHog event(s) refused, comma-separated names. */
    public static final String POSTHOG_EVENT = "tracking_dlt-posthog-event";

    private DeadLetterHeaders() {}
}
