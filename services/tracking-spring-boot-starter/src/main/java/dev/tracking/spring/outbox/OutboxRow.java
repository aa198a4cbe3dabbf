package dev.tracking.spring.outbox;

/**
 * One fact waiting in the outbox table: the Avro single-object encoding of the fact as recorded (its {@code event_id}
 * and {@code occurred_at} already fixed), locked by the relay round that read it.
 *
 * @param id position in recording order
 * @param eventId the fact's {@code event_id}
 * @param factType record name, e.g. {@code SubscriptionStarted}
 * @param partitionKey the Kafka key: {@code team_id}, or {@code user_id} for a fact without a team
 * @param fact the fact, Avro single-object encoded (self-describing: any later schemas jar reads it)
 * @param attempts relay rounds that tried it before
 */
public record OutboxRow(long id, String eventId, String factType, String partitionKey, byte[] fact, int attempts) {}
