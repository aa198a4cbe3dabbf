package dev.tracking.spring.outbox;

import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;

/**
 * Sends one fact to Kafka and completes when Kafka acknowledged it: {@code FactPublisher::publish} in a service, a
 * scripted stand-in in tests.
 */
@FunctionalInterface
public interface FactSender {
    CompletableFuture<?> send(SpecificRecord fact);
}
