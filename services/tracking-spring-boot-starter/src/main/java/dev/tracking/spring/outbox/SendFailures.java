package dev.tracking.spring.outbox;

import dev.tracking.client.FactNotPublishedException;
import dev.tracking.client.InvalidFactException;
import dev.tracking.client.serde.UndecodableFactException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Whether a fact that failed to reach Kafka is retried (the outage kind: it waits in the table) or parked (it can
 * never be published as it is: retrying would repeat the failure forever).
 */
final class SendFailures {
    private SendFailures() {}

    /** The two outcomes of a failed send. */
    enum Verdict {
        RETRY,
        PARK
    }

    /**
     * Parked: a fact invalid by today's rules, bytes the schemas jar cannot read, a fact that cannot be encoded, a
     * record larger than the broker accepts, an invalid topic name. Everything else (timeouts, a broker or the
     * registry unreachable, authorization, not-enough-replicas) is retried: it is an outage or a configuration an
     * operator fixes, and the fact must wait for it.
     */
    static Verdict classify(Throwable failure) {
        Throwable error = unwrap(failure);
        if (error instanceof InvalidFactException
                || error instanceof UndecodableFactException
                || error instanceof RecordTooLargeException
                || error instanceof InvalidTopicException
                || error instanceof SerializationException) {
            return Verdict.PARK;
        }
        if (error instanceof IllegalArgumentException) {
            // the encoder's "cannot be encoded with its schema" (a required field is null)
            return Verdict.PARK;
        }
        return Verdict.RETRY;
    }

    /** The failure itself: without the future's and the publisher's wrappers. */
    static Throwable unwrap(Throwable failure) {
        Throwable error = failure;
        while ((error instanceof CompletionException
                        || error instanceof ExecutionException
                        || error instanceof FactNotPublishedException)
                && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }
}
