package dev.tracking.client.registry;

/**
 * The schema registry could not be asked: connection refused or reset, timeout, or a 5xx/429 answer on every attempt.
 * Retryable, and never a reason to dead-letter a record: the record is fine, the registry is away. A consumer retries
 * the batch later; a publisher's {@code publish} future completes exceptionally with it.
 */
public class SchemaRegistryUnavailableException extends RuntimeException {
    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
