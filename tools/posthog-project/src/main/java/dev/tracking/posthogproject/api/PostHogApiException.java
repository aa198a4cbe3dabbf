package dev.tracking.posthogproject.api;

/**
 * PostHog did not do what was asked. The message names the operation and the object ({@code create insight
 * 'activation-funnel'}), PostHog's status and error, and for a refused field the field; it never holds the API key.
 */
public final class PostHogApiException extends Exception {
    /** What went wrong, which decides the exit code. */
    public enum Kind {
        /** 401, 403: the key is refused or lacks a scope. */
        ACCESS,
        /** 404 on the project itself: no such project at this host. */
        PROJECT_NOT_FOUND,
        /** 400, 404 or 409 on an object: PostHog refused this change. */
        REFUSED,
        /** 5xx, 429 beyond the wait limit, unreachable, timed out, or an answer that is not PostHog's. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final int status;

    public PostHogApiException(Kind kind, int status, String message) {
        super(message);
        this.kind = kind;
        this.status = status;
    }

    public PostHogApiException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }
}
