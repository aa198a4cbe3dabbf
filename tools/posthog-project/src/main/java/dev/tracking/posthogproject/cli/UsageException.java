package dev.tracking.posthogproject.cli;

/** A bad option or environment variable; the message names the value and what would be valid. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
