package dev.tracking.consumer.deadletter;

import java.time.Instant;

/**
 * A record that cannot be delivered, ever, and why: the exception a dead-lettered record carries into its headers.
 * Permanent by definition.
 */
public class FactRejectedException extends RuntimeException {
    private final FailureCategory category;
    private final int attempts;
    private final Instant firstFailure;
    private final Instant lastFailure;
    private final String factType;
    private final String writerSchema;
    private final Integer posthogStatus;
    private final String posthogEvents;

    private FactRejectedException(Builder builder) {
        super(builder.category.header() + ": " + builder.message, builder.cause);
        this.category = builder.category;
        this.attempts = builder.attempts;
        this.firstFailure = builder.firstFailure;
        this.lastFailure = builder.lastFailure == null ? builder.firstFailure : builder.lastFailure;
        this.factType = builder.factType;
        this.writerSchema = builder.writerSchema;
        this.posthogStatus = builder.posthogStatus;
        this.posthogEvents = builder.posthogEvents;
    }

    public static Builder of(FailureCategory category, String message, Instant at) {
        return new Builder(category, message, at);
    }

    public FailureCategory category() {
        return category;
    }

    public int attempts() {
        return attempts;
    }

    public Instant firstFailure() {
        return firstFailure;
    }

    public Instant lastFailure() {
        return lastFailure;
    }

    public String factType() {
        return factType;
    }

    public String writerSchema() {
        return writerSchema;
    }

    public Integer posthogStatus() {
        return posthogStatus;
    }

    public String posthogEvents() {
        return posthogEvents;
    }

    /** Optional details of a {@link FactRejectedException}. */
    public static final class Builder {
        private final FailureCategory category;
        private final String message;
        private final Instant firstFailure;
        private Instant lastFailure;
        private int attempts = 1;
        private Throwable cause;
        private String factType;
        private String writerSchema;
        private Integer posthogStatus;
        private String posthogEvents;

        private Builder(FailureCategory category, String message, Instant at) {
            this.category = category;
            this.message = message;
            this.firstFailure = at;
        }

        public Builder cause(Throwable cause) {
            this.cause = cause;
            return this;
        }

        public Builder attempts(int attempts, Instant lastFailure) {
            this.attempts = attempts;
            this.lastFailure = lastFailure;
            return this;
        }

        public Builder factType(String factType) {
            this.factType = factType;
            return this;
        }

        public Builder writerSchema(String writerSchema) {
            this.writerSchema = writerSchema;
            return this;
        }

        public Builder posthog(int status, String events) {
            this.posthogStatus = status;
            this.posthogEvents = events;
            return this;
        }

        public FactRejectedException build() {
            return new FactRejectedException(this);
        }
    }
}
