package dev.tracking.consumer;

import dev.tracking.client.FactPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How the integration tests put facts on Kafka, the way a careful product service would: every send is awaited, and a
 * send that was not acknowledged is made again (same fact, same {@code event_id}, so the consumer's de-duplication
 * absorbs a copy that did land), with the failure printed.
 *
 * <p>Why: a scenario's setup must not fail the scenario. Once in CI, and again here under CPU load, the first batch a
 * fresh idempotent producer sent to a just-created partition failed with a retriable error while its next batches, in
 * flight beside it, were appended; a broker accepts any first sequence number from a producer it has no state for, so
 * the resent first batch was refused as out of order until the delivery timeout expired. One request in flight per
 * connection closes that window; the resend round covers whatever else may stall a send.
 */
final class TestPublishing {
    private static final int ROUNDS = 3;

    private TestPublishing() {}

    /** A publisher to {@code bootstrapServers} configured as {@link #builder}. */
    static FactPublisher publisher(String bootstrapServers) {
        return builder(bootstrapServers).build();
    }

    /**
     * A publisher builder for {@code bootstrapServers} with one request in flight per connection, whose stalled sends
     * fail after 30 s instead of 2 min, to be resent.
     */
    static FactPublisher.Builder builder(String bootstrapServers) {
        return FactPublisher.builder()
                .bootstrapServers(bootstrapServers)
                .producerProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1)
                .producerProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000)
                .producerProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    }

    /**
     * Sends every fact and waits for all acknowledgements; facts whose send failed are sent again, up to {@value
     * #ROUNDS} rounds in all. Order per key holds unless a send failed.
     *
     * @return where each acknowledged send landed (a resent fact may appear twice, if its first send landed too)
     * @throws AssertionError naming how many facts were still unacknowledged after the last round, with the first
     *     failure as cause
     */
    static List<FactPublisher.Published> publishAll(FactPublisher publisher, List<? extends SpecificRecord> facts) {
        List<FactPublisher.Published> landed = new ArrayList<>(facts.size());
        List<? extends SpecificRecord> pending = facts;
        for (int round = 1; ; round++) {
            List<CompletableFuture<FactPublisher.Published>> sends = new ArrayList<>(pending.size());
            pending.forEach(fact -> sends.add(publisher.publish(fact)));
            List<SpecificRecord> failed = new ArrayList<>();
            Throwable firstFailure = null;
            for (int i = 0; i < sends.size(); i++) {
                try {
                    landed.add(sends.get(i).join());
                } catch (CompletionException e) {
                    failed.add(pending.get(i));
                    firstFailure = firstFailure == null ? e.getCause() : firstFailure;
                }
            }
            if (failed.isEmpty()) {
                return landed;
            }
            String summary = String.format(
                    "round %d of %d: %d of %d facts not acknowledged by Kafka (first: %s)",
                    round, ROUNDS, failed.size(), pending.size(), firstFailure);
            if (round == ROUNDS) {
                throw new AssertionError(summary, firstFailure);
            }
            System.out.println("TestPublishing: " + summary + "; sending them again");
            pending = failed;
        }
    }
}
