package dev.tracking.spring.it;

import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.spring.outbox.FactOutbox;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A product service in miniature for the integration tests: a subscriptions table and the starter. */
@SpringBootApplication
public class SubscriptionsApplication {

    /** Writes a subscription and its fact in one transaction. */
    @Service
    public static class Subscriptions {
        private final JdbcTemplate jdbc;
        private final FactOutbox outbox;

        Subscriptions(JdbcTemplate jdbc, FactOutbox outbox) {
            this.jdbc = jdbc;
            this.outbox = outbox;
            jdbc.execute("CREATE TABLE IF NOT EXISTS subscriptions (team VARCHAR(64), plan VARCHAR(64), seats INT)");
        }

        /** Commits the subscription; its fact goes to Kafka after the commit. */
        @Transactional
        public FactOutbox.Recorded start(String team, String plan, int seats) {
            jdbc.update("INSERT INTO subscriptions (team, plan, seats) VALUES (?, ?, ?)", team, plan, seats);
            return outbox.publishAfterCommit(fact(team, plan, seats));
        }

        /** Records the fact, then fails: the transaction rolls back with the subscription and the fact. */
        @Transactional
        public void startThenFail(String team, String plan, int seats, String[] eventId) {
            jdbc.update("INSERT INTO subscriptions (team, plan, seats) VALUES (?, ?, ?)", team, plan, seats);
            eventId[0] = outbox.publishAfterCommit(fact(team, plan, seats)).eventId();
            throw new IllegalStateException("payment declined");
        }

        public int count() {
            return jdbc.queryForObject("SELECT COUNT(*) FROM subscriptions", Integer.class);
        }

        private static SubscriptionStarted fact(String team, String plan, int seats) {
            return SubscriptionStarted.newBuilder()
                    .setEventId("")
                    .setOccurredAt(java.time.Instant.EPOCH)
                    .setTeamId(team)
                    .setUserId(null)
                    .setSource("subscriptions-it")
                    .setPlan(plan)
                    .setSeats(seats)
                    .build();
        }
    }
}
