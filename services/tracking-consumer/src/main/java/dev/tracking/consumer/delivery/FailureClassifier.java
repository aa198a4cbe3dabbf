package dev.tracking.consumer.delivery;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one decision of retryable versus permanent at the delivery edge: pure functions of a response or an error.
 *
 * <p>A 400 is PostHog refusing an event only when it reads like PostHog: capture answers a refused request with its
 * error's message as plain text ({@code event submitted without a distinct_id}, {@code failed to parse request: ...}),
 * and PostHog's older Django capture with a JSON {@code validation_error}. A 400 with an HTML page or an empty body
 * comes from something in front of PostHog (a proxy, a load balancer, a wrong port): {@link Verdict#MISCONFIGURED},
 * so the consumer stops instead of bisecting healthy events into the dead-letter topic.
 */
public final class FailureClassifier {
    /** How capture's 400 messages start (rust/capture {@code CaptureError}'s Display texts). */
    private static final List<String> CAPTURE_MESSAGES = List.of(
            "failed to decode request",
            "failed to parse request",
            "failed to hydrate events",
            "request holds no event",
            "request missing data payload",
            "event submitted ",
            "replay event ",
            "invalid event could not be processed",
            "payload empty after filtering",
            "maximum event size exceeded");

    private FailureClassifier() {}

    /** The verdict for an HTTP status from PostHog's {@code /batch/}, whatever the body. */
    public static Verdict classify(int status) {
        if (status >= 200 && status < 300) {
            return Verdict.DELIVERED;
        }
        if (status == 429 || status == 408 || status >= 500) {
            return Verdict.RETRY;
        }
        if (status == 413) {
            return Verdict.SPLIT;
        }
        if (status == 400) {
            return Verdict.BISECT;
        }
        // 401/403 bad key, 404/405 wrong host or path, 3xx redirect, anything else we do not expect: a human must look
        return Verdict.MISCONFIGURED;
    }

    /** The verdict for a response: by status, and a 400 that is not PostHog's own answer is a misconfiguration. */
    public static Verdict classify(PostHogTransport.Response response) {
        Verdict verdict = classify(response.status());
        if (verdict == Verdict.BISECT && !fromPostHog(response.body())) {
            return Verdict.MISCONFIGURED;
        }
        return verdict;
    }

    /** Whether an error body reads like PostHog capture's (plain-text message) or its Django predecessor's (JSON). */
    static boolean fromPostHog(String body) {
        if (body == null || body.isBlank()) {
            return false;
        }
        String text = body.strip().toLowerCase(Locale.ROOT);
        if (text.startsWith("{")) {
            return text.contains("\"validation_error\"");
        }
        return CAPTURE_MESSAGES.stream().anyMatch(text::startsWith);
    }

    /**
     * The verdict for a request that got no response. Network trouble (timeouts, refused or reset connections, TLS
     * failures: every {@link IOException}) and an open circuit breaker are {@link Verdict#RETRY}: they say nothing
     * about the events. Our own refusal to wait past the time this poll's deliveries may take ({@link
     * PostHogUnavailableException}) is {@link Verdict#RETRY_LATER}. Anything else is a programming or configuration
     * error no retry will fix: {@link Verdict#MISCONFIGURED}, so consumption stops with the error in health, rather
     * than retrying forever while reporting UP.
     */
    public static Verdict classify(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof PostHogUnavailableException) {
            return Verdict.RETRY_LATER;
        }
        if (cause instanceof PostHogMisconfiguredException) {
            return Verdict.MISCONFIGURED;
        }
        for (Throwable link = cause; link != null; link = link.getCause()) {
            if (link instanceof IOException
                    || link instanceof UncheckedIOException
                    || link instanceof CallNotPermittedException) {
                return Verdict.RETRY;
            }
        }
        return Verdict.MISCONFIGURED;
    }
}
