package dev.tracking.consumer.dedup;

/** The dedup store could not be reached or did not answer in time. Retryable. */
public class DedupStoreUnavailableException extends RuntimeException {
    public DedupStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
