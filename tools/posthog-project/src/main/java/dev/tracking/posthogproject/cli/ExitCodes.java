package dev.tracking.posthogproject.cli;

/** Exit codes of {@code posthog-project}, listed in its {@code --help}. */
public final class ExitCodes {
    /** Done (plan printed; apply applied everything). */
    public static final int OK = 0;
    /** PostHog unavailable: unreachable, timed out, 5xx, rate-limited beyond the wait limit, not PostHog's answer. */
    public static final int UNAVAILABLE = 1;
    /** Bad command line, environment variable or declaration: nothing was read from or written to PostHog. */
    public static final int USAGE = 2;
    /** The project is not ready: a group type a flag names does not exist yet. apply created nothing. */
    public static final int NOT_READY = 3;
    /** PostHog refused the key (401), a scope (403, the scope named) or the project (404). */
    public static final int ACCESS = 4;
    /** PostHog refused a change (400 with the field named, 404, 409), or objects carry the same marker. */
    public static final int REFUSED = 5;
    /** With {@code plan --detailed-exitcode}: the plan has changes to apply. */
    public static final int CHANGES_PENDING = 6;

    private ExitCodes() {}
}
