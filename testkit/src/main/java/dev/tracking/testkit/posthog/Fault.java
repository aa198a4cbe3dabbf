package dev.tracking.testkit.posthog;

import java.time.Duration;
import java.util.Objects;

/**
 * A scripted misbehaviour of {@link FakePostHog}, queued with {@link FaultScript#next(Fault, int)}.
 *
 * <p>Faults that answer before processing ({@link Status}, {@link RateLimited}, {@link ResetBeforeProcessing}) record
 * no event. {@link SlowAfterProcessing} and {@link ResetAfterProcessing} process the request normally (an accepted
 * batch is recorded, as PostHog may have ingested it) and then answer late or not at all; events they record are
 * flagged {@link CapturedEvent#deliveredByAbandonedRequest()}, because the client is expected to give up and resend.
 * {@link QuotaLimited} answers 200 and records nothing, as capture does for a project over its billing quota.
 *
 * <p>The two resets close the connection before any response byte (a FIN, not an RST with SO_LINGER 0: the JDK
 * server does not expose its sockets). {@code java.net.http.HttpClient} then throws {@code IOException: HTTP/1.1
 * header parser received no bytes}, on a fresh and on a pooled connection alike, and does not retry the POST.
 */
public sealed interface Fault {

    /**
     * Answer {@code status} (400–599) with a capture-style plain-text error body (400: {@code invalid event could not
     * be processed}, 503: {@code transient error, please retry}); nothing is recorded.
     */
    static Fault status(int status) {
        return new Status(status);
    }

    /**
     * Answer {@code status} (400–599) as something in front of PostHog would (a proxy, a load balancer, a wrong port):
     * an HTML error page; nothing is recorded.
     */
    static Fault notPostHog(int status) {
        return new NotPostHog(status);
    }

    /** Answer 429 with {@code Retry-After} in whole seconds (rounded up); nothing is recorded. */
    static Fault rateLimited(Duration retryAfter) {
        return new RateLimited(retryAfter);
    }

    /** Process the request (recording an accepted batch), then answer only after {@code delay}. */
    static Fault slowAfterProcessing(Duration delay) {
        return new SlowAfterProcessing(delay);
    }

    /** Process the request (recording an accepted batch), then close the connection without a response. */
    static Fault resetAfterProcessing() {
        return new ResetAfterProcessing();
    }

    /** Close the connection without reading the body or answering; nothing is recorded. */
    static Fault resetBeforeProcessing() {
        return new ResetBeforeProcessing();
    }

    /** Validate the request, answer 200 as if accepted, record nothing (capture's "over billing quota" behaviour). */
    static Fault quotaLimited() {
        return new QuotaLimited();
    }

    /** Whether the request is processed and its events recorded before the client is left without a timely answer. */
    default boolean abandonsProcessedRequest() {
        return this instanceof SlowAfterProcessing || this instanceof ResetAfterProcessing;
    }

    /** See {@link Fault#notPostHog(int)}. */
    record NotPostHog(int status) implements Fault {
        public NotPostHog {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a scripted status must be 400-599, got " + status);
            }
        }
    }

    /** See {@link Fault#status(int)}. */
    record Status(int status) implements Fault {
        public Status {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a scripted status must be 400-599, got " + status);
            }
        }
    }

    /** See {@link Fault#rateLimited(Duration)}. */
    record RateLimited(Duration retryAfter) implements Fault {
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

    /** See {@link Fault#slowAfterProcessing(Duration)}. */
    record SlowAfterProcessing(Duration delay) implements Fault {
        public SlowAfterProcessing {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, got " + delay);
            }
        }
    }

    /** See {@link Fault#resetAfterProcessing()}. */
    record ResetAfterProcessing() implements Fault {}

    /** See {@link Fault#resetBeforeProcessing()}. */
    record ResetBeforeProcessing() implements Fault {}

    /** See {@link Fault#quotaLimited()}. */
    record QuotaLimited() implements Fault {}
}
