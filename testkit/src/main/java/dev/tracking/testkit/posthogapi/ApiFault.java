package dev.tracking.testkit.posthogapi;

import java.time.Duration;
import java.util.Objects;

/**
 * A scripted misbehaviour of {@link FakePostHogApi}, queued with {@link ApiFaultScript#next(ApiFault)}. Every fault
 * answers before the request is processed: nothing is created, changed or deleted.
 */
public sealed interface ApiFault {

    /**
     * Answer {@code status} (400–599) with PostHog's JSON error body: 400 as a validation error on {@code attr} (see
     * {@link #validationError(String, String)}), 5xx as {@code server_error}.
     */
    static ApiFault status(int status) {
        return new Status(status);
    }

    /** Answer 400 {@code {"type": "validation_error", "code": "invalid_input", "detail", "attr"}}. */
    static ApiFault validationError(String attr, String detail) {
        return new ValidationError(attr, detail);
    }

    /** Answer 429 {@code throttled} with {@code Retry-After} in whole seconds (rounded up). */
    static ApiFault rateLimited(Duration retryAfter) {
        return new RateLimited(retryAfter);
    }

    /** Answer {@code status} as a proxy in front of PostHog would: an HTML page. */
    static ApiFault notPostHog(int status) {
        return new NotPostHog(status);
    }

    /** Close the connection without answering. */
    static ApiFault resetBeforeProcessing() {
        return new ResetBeforeProcessing();
    }

    /** See {@link ApiFault#status(int)}. */
    record Status(int status) implements ApiFault {
        public Status {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a scripted status must be 400-599, got " + status);
            }
        }
    }

    /** See {@link ApiFault#validationError(String, String)}. */
    record ValidationError(String attr, String detail) implements ApiFault {
        public ValidationError {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** See {@link ApiFault#rateLimited(Duration)}. */
    record RateLimited(Duration retryAfter) implements ApiFault {
        public RateLimited {
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative, got " + retryAfter);
            }
        }

        /** The {@code Retry-After} header value: whole seconds, rounded up. */
        public long retryAfterSeconds() {
            long seconds = retryAfter.getSeconds();
            return retryAfter.getNano() > 0 ? seconds + 1 : seconds;
        }
    }

    /** See {@link ApiFault#notPostHog(int)}. */
    record NotPostHog(int status) implements ApiFault {
        public NotPostHog {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a scripted status must be 400-599, got " + status);
            }
        }
    }

    /** See {@link ApiFault#resetBeforeProcessing()}. */
    record ResetBeforeProcessing() implements ApiFault {}
}
