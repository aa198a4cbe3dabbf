package dev.tracking.consumer.deadletter;

/** Why a record was dead-lettered; the value of the {@value DeadLetterHeaders#CATEGORY} header. */
public enum FailureCategory {
    /** The bytes are not a readable fact: unknown framing, unknown writer schema, corrupt body. */
    DECODE("decode"),
    /** A readable fact that breaks a rule (blank id, negative count, ...). */
    VALIDATION("validation"),
    /** A fact type without a mapping to PostHog events. */
    MAPPING("mapping"),
    /** PostHog refused the event (400 isolated to it by bisection). */
    REJECTED_BY_POSTHOG("rejected-by-posthog"),
    /** An event larger than PostHog accepts (or a 413 isolated to one event). */
    OVERSIZE("oversize");

    private final String header;

    FailureCategory(String header) {
        this.header = header;
    }

    /** The header value, e.g. {@code rejected-by-posthog}. */
    public String header() {
        return header;
    }
}
