package dev.tracking.spring.outbox;

import dev.tracking.client.InvalidFactException;
import dev.tracking.client.serde.FactEncoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.schemas.FactValidator;
import dev.tracking.schemas.Facts;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Publishes facts if and only if the service's transaction commits: {@link #publishAfterCommit} records the fact in the
 * outbox table within the caller's transaction, and the {@link OutboxRelay} sends it to Kafka after the commit.
 *
 * <pre>{@code
 * @Transactional
 * public void startSubscription(String team, String plan, int seats) {
 *     subscriptions.insert(team, plan, seats);
 *     outbox.publishAfterCommit(SubscriptionStarted.newBuilder()
 *             .setTeamId(team).setUserId(null).setPlan(plan).setSeats(seats).build());
 * }
 * }</pre>
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>an empty {@code event_id} (random UUID) and an unset {@code occurred_at} (now) are filled <em>on the caller's
 *       fact</em> when it is recorded, and never change after: every send of the fact, after a crash or an outage
 *       too, carries them, so the consumer drops a copy that did land;
 *   <li>rolled back: the row goes with the transaction, nothing is ever sent;
 *   <li>committed: the relay sends it at once, or, when Kafka does not acknowledge it (broker down, the process
 *       killed), on a later round or the next start, until it does. Facts of one key (team) are sent in the order
 *       they were recorded, also by several instances relaying the same table;
 *   <li>a fact that breaks a rule is refused here ({@link InvalidFactException}, nothing recorded); one that cannot
 *       be published later (invalid by a newer schemas jar's rules, larger than the broker accepts) is parked: kept in
 *       the table, logged, counted, shown in health, never retried.
 * </ul>
 */
public final class FactOutbox {
    private final OutboxStore store;
    private final FactEncoder encoder = SingleObjectEncoding.encoder();
    private final Runnable afterCommit;
    private final Clock clock;

    /**
     * @param afterCommit run after each commit that recorded facts (wakes the relay)
     */
    public FactOutbox(OutboxStore store, Runnable afterCommit, Clock clock) {
        this.store = store;
        this.afterCommit = afterCommit;
        this.clock = clock;
    }

    /** What was recorded: the values every send of the fact will carry. */
    public record Recorded(String eventId, Instant occurredAt, String factType, String partitionKey) {}

    /**
     * Records the fact in the current transaction; it is sent to Kafka after the commit.
     *
     * @throws IllegalStateException when no Spring transaction is active (use {@code FactPublisher.publish} outside
     *     one)
     * @throws InvalidFactException when the fact breaks a rule; nothing is recorded
     */
    public Recorded publishAfterCommit(SpecificRecord fact) {
        Objects.requireNonNull(fact, "fact");
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("publishAfterCommit(" + Facts.typeName(fact)
                    + ") needs an active Spring transaction (a @Transactional method or a TransactionTemplate);"
                    + " outside one, use FactPublisher.publish");
        }
        fillIdAndTime(fact);
        List<String> violations = FactValidator.violations(fact);
        if (!violations.isEmpty()) {
            throw new InvalidFactException(Facts.typeName(fact), violations);
        }
        String key = Facts.teamId(fact) != null ? Facts.teamId(fact) : Facts.userId(fact);
        byte[] encoded = encoder.encode("outbox", fact);
        store.insert(Facts.eventId(fact), Facts.typeName(fact), key, encoded, clock.instant());
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                afterCommit.run();
            }
        });
        return new Recorded(Facts.eventId(fact), Facts.occurredAt(fact), Facts.typeName(fact), key);
    }

    /** The same rule as {@code FactPublisher}: an empty id and an unset time are filled on the caller's record. */
    private void fillIdAndTime(SpecificRecord fact) {
        String eventId = Facts.eventId(fact);
        if (eventId == null || eventId.isEmpty()) {
            fact.put(Facts.EVENT_ID, UUID.randomUUID().toString());
        }
        Instant occurredAt = Facts.occurredAt(fact);
        if (occurredAt == null || occurredAt.equals(Instant.EPOCH)) {
            // timestamp-millis: what every send carries, so Recorded reports the same value
            fact.put(Facts.OCCURRED_AT, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        }
    }
}
