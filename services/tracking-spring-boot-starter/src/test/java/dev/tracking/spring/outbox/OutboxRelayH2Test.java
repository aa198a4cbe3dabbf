package dev.tracking.spring.outbox;

import static dev.tracking.testkit.fixtures.FactFixtures.MONDAY_9AM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracking.client.InvalidFactException;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.Facts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox's SQL and the relay's rounds against an in-memory H2 database (the quick tier: no broker, no Spring
 * context): a scripted sender stands in for Kafka, so each round's outcome is decided by the test.
 */
class OutboxRelayH2Test {
    private static final Clock CLOCK = Clock.fixed(MONDAY_9AM, ZoneOffset.UTC);

    private final JdbcDataSource dataSource = new JdbcDataSource();
    private final List<SpecificRecord> sent = new ArrayList<>();
    private final List<String> parked = new ArrayList<>();
    private Kafka kafka = Kafka.ACKNOWLEDGES;
    private OutboxStore store;
    private DataSourceTransactionManager transactions;
    private FactOutbox outbox;
    private OutboxRelay relay;

    private enum Kafka {
        ACKNOWLEDGES,
        TIMES_OUT,
        NEVER_ANSWERS
    }

    @BeforeEach
    void freshDatabase() {
        dataSource.setURL("jdbc:h2:mem:outbox-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        store = new OutboxStore(dataSource, "tracking_outbox");
        store.createSchemaIfMissing();
        transactions = new DataSourceTransactionManager(dataSource);
        outbox = new FactOutbox(store, () -> {}, CLOCK);
        relay = new OutboxRelay(
                store,
                this::send,
                transactions,
                new OutboxRelay.Settings(
                        Duration.ofSeconds(5),
                        100,
                        Duration.ofMillis(300),
                        Duration.ofMillis(10),
                        Duration.ofSeconds(1)),
                new OutboxMonitor() {
                    @Override
                    public void parked(OutboxRow row, String reason) {
                        parked.add(row.eventId() + ": " + reason);
                    }
                },
                CLOCK);
    }

    @Test
    void aCommittedFactIsSentOnceInRecordingOrderAndItsRowDeleted() {
        recordCommitted(subscription("acme", 1), subscription("globex", 2), subscription("acme", 3));

        OutboxRelay.Round round = relay.runRound();

        assertThat(round.sent()).isEqualTo(3);
        assertThat(seatsSent()).containsExactly(1, 2, 3);
        assertThat(store.stats().pending()).isZero();
        assertThat(relay.runRound().locked()).as("a second round finds nothing").isZero();
    }

    @Test
    void aRolledBackFactIsNeverRecorded() {
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            outbox.publishAfterCommit(subscription("acme", 1));
            status.setRollbackOnly();
        });

        assertThat(store.stats().pending()).isZero();
        assertThat(relay.runRound().sent()).isZero();
    }

    @Test
    void outsideATransactionPublishAfterCommitRefusesToRecord() {
        assertThatThrownBy(() -> outbox.publishAfterCommit(subscription("acme", 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs an active Spring transaction");
    }

    @Test
    void theEventIdIsFixedAtRecordingAndRepeatedByEveryAttempt() {
        SubscriptionStarted fact = subscription("acme", 1);
        fact.setEventId("");
        recordCommitted(fact);
        String recordedId = fact.getEventId();
        assertThat(recordedId).as("event_id filled on the caller's fact").isNotEmpty();

        kafka = Kafka.TIMES_OUT;
        OutboxRelay.Round failed = relay.runRound();
        kafka = Kafka.ACKNOWLEDGES;
        OutboxRelay.Round retried = relay.runRound();

        assertThat(failed.retried()).isEqualTo(1);
        assertThat(retried.sent()).isEqualTo(1);
        assertThat(sent).extracting(Facts::eventId).containsExactly(recordedId, recordedId);
        assertThat(sent).extracting(Facts::occurredAt).containsOnly(fact.getOccurredAt());
    }

    @Test
    void aFactKafkaDoesNotAnswerForWaitsInTheTableWithItsAttemptsCounted() {
        recordCommitted(subscription("acme", 1));

        kafka = Kafka.NEVER_ANSWERS;
        OutboxRelay.Round round = relay.runRound();

        assertThat(round.retried()).isEqualTo(1);
        assertThat(round.firstError()).contains("tracking.outbox.send-timeout=PT0.3S");
        assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT attempts FROM tracking_outbox", Integer.class))
                .isEqualTo(1);
        assertThat(store.stats().pending()).isEqualTo(1);
    }

    @Test
    void aFactInvalidByTodaysRulesIsParkedKeptAndReportedWhileTheFactsBehindItGo() {
        recordCommitted(subscription("acme", 1));
        insertRaw(subscription("acme", -4)); // recorded before today's rule on seats
        recordCommitted(subscription("acme", 3));

        OutboxRelay.Round round = relay.runRound();

        assertThat(round.parked()).isEqualTo(1);
        assertThat(seatsSent()).containsExactly(1, 3);
        assertThat(parked).singleElement().asString().contains("seats is negative: -4");
        assertThat(store.parked())
                .singleElement()
                .satisfies(row -> assertThat(row.reason()).contains(InvalidFactException.class.getName()));
        assertThat(store.stats()).isEqualTo(new OutboxStore.Stats(0, 1, null));
        assertThat(relay.runRound().locked()).as("a parked fact is not retried").isZero();
    }

    @Test
    void aKeyWhoseEarlierFactAnotherRelayHoldsWaitsWhileOtherKeysGo() throws Exception {
        recordCommitted(subscription("acme", 1), subscription("acme", 2), subscription("globex", 3));

        try (Connection otherRelay = dataSource.getConnection()) {
            otherRelay.setAutoCommit(false);
            try (PreparedStatement lock = otherRelay.prepareStatement(
                            "SELECT id FROM tracking_outbox ORDER BY id FETCH FIRST 1 ROWS ONLY FOR UPDATE");
                    ResultSet rows = lock.executeQuery()) {
                assertThat(rows.next())
                        .as("the other relay locked the first acme fact")
                        .isTrue();
            }

            OutboxRelay.Round round = relay.runRound();

            assertThat(round.locked())
                    .as("acme 2 and globex 3; acme 1 skipped as locked")
                    .isEqualTo(2);
            assertThat(round.heldBack()).isEqualTo(1);
            assertThat(seatsSent()).containsExactly(3);
            otherRelay.rollback();
        }

        relay.runRound();
        assertThat(seatsSent()).containsExactly(3, 1, 2);
    }

    private CompletableFuture<?> send(SpecificRecord fact) {
        sent.add(fact);
        return switch (kafka) {
            case ACKNOWLEDGES -> CompletableFuture.completedFuture(null);
            case TIMES_OUT -> CompletableFuture.failedFuture(new TimeoutException("Expiring 1 record(s)"));
            case NEVER_ANSWERS -> new CompletableFuture<>();
        };
    }

    private List<Integer> seatsSent() {
        return sent.stream()
                .map(fact -> ((SubscriptionStarted) fact).getSeats())
                .toList();
    }

    private void recordCommitted(SubscriptionStarted... facts) {
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            for (SubscriptionStarted fact : facts) {
                outbox.publishAfterCommit(fact);
            }
        });
    }

    /** A row as an older version of the service recorded it, bypassing today's checks. */
    private void insertRaw(SubscriptionStarted fact) {
        store.insert(
                fact.getEventId(),
                "SubscriptionStarted",
                fact.getTeamId(),
                SingleObjectEncoding.encoder().encode("outbox", fact),
                MONDAY_9AM);
    }

    private static SubscriptionStarted subscription(String team, int seats) {
        return new SubscriptionStarted(
                UUID.randomUUID().toString(), MONDAY_9AM, team, null, "billing", "business", seats);
    }
}
