package dev.tracking.replay;

/** A failure the command line reports in one line and turns into its exit code. */
public class ReplayException extends RuntimeException {
    private final int exitCode;

    ReplayException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** Bad usage: an option, filter or topic name that is not valid (exit {@value ReplayCli#USAGE}). */
    static ReplayException usage(String message) {
        return new ReplayException(ReplayCli.USAGE, message);
    }

    /** Kafka cannot be reached, or a topic is missing (exit {@value ReplayCli#UNAVAILABLE}). */
    static ReplayException unavailable(String message) {
        return new ReplayException(ReplayCli.UNAVAILABLE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
