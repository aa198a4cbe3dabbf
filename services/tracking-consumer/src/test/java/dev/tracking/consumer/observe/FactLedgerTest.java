package dev.tracking.consumer.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FactLedgerTest {
    private static final TopicPartition ENGAGEMENT_0 = new TopicPartition("facts.engagement", 0);
    private static final TopicPartition ENGAGEMENT_1 = new TopicPartition("facts.engagement", 1);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final FactLedger ledger = FactLedger.of(meters);

    @Test
    void aPartitionRewoundAndReadAgainCountsItsRecordsOnce() {
        for (long offset = 10; offset < 15; offset++) {
            ledger.consumed(ENGAGEMENT_0, offset, "AnalyticsViewed");
        }
        ledger.settled(ENGAGEMENT_0, 10, FactOutcome.DELIVERED, null);
        ledger.settled(ENGAGEMENT_0, 11, FactOutcome.DELIVERED, null);

        // rewound to 12 after an outage: 12..14 read again, then 15 is new
        for (long offset = 12; offset < 16; offset++) {
            ledger.consumed(ENGAGEMENT_0, offset, "AnalyticsViewed");
        }

        assertThat(meters.get("tracking.facts.consumed")
                        .tag("fact_type", "AnalyticsViewed")
                        .counter()
                        .count())
                .isEqualTo(6);
        assertThat(ledger.inFlight("AnalyticsViewed")).isEqualTo(4);
    }

    @Test
    void aRecordSettledAgainAfterItWasReadAgainIsNotCountedTwice() {
        ledger.consumed(ENGAGEMENT_0, 3, "LeaderboardViewed");
        assertThat(ledger.settled(ENGAGEMENT_0, 3, FactOutcome.DELIVERED, null)).isEqualTo("LeaderboardViewed");

        // the commit failed, the partition came back: the record is read again and skipped as delivered
        ledger.consumed(ENGAGEMENT_0, 3, "LeaderboardViewed");
        assertThat(ledger.settled(ENGAGEMENT_0, 3, FactOutcome.DUPLICATE, null)).isNull();

        assertThat(ledger.reconciliation().get("LeaderboardViewed"))
                .isEqualTo(new FactLedger.Reconciliation(1, 1, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void everyRecordReadIsInOneColumnAndTheDifferenceIsZero() {
        ledger.consumed(ENGAGEMENT_0, 0, "DashboardViewed");
        ledger.consumed(ENGAGEMENT_0, 1, "DashboardViewed");
        ledger.consumed(ENGAGEMENT_0, 2, "DashboardViewed");
        ledger.consumed(ENGAGEMENT_0, 3, "DashboardViewed");
        ledger.consumed(ENGAGEMENT_1, 0, "DashboardViewed");
        ledger.consumed(ENGAGEMENT_1, 1, FactLedger.UNKNOWN_TYPE);
        ledger.consumed(ENGAGEMENT_1, 2, "DashboardViewed");
        ledger.settled(ENGAGEMENT_0, 0, FactOutcome.DELIVERED, null);
        ledger.settled(ENGAGEMENT_0, 1, FactOutcome.DUPLICATE, null);
        ledger.settled(ENGAGEMENT_0, 2, FactOutcome.SUPPRESSED, null);
        ledger.settled(ENGAGEMENT_0, 3, FactOutcome.DROPPED, null);
        ledger.settled(ENGAGEMENT_1, 0, FactOutcome.DEAD_LETTERED, "rejected-by-posthog");
        ledger.settled(ENGAGEMENT_1, 1, FactOutcome.DEAD_LETTERED, "decode");

        assertThat(ledger.reconciliation().get("DashboardViewed"))
                .isEqualTo(new FactLedger.Reconciliation(6, 1, 1, 1, 1, 1, 1, 0));
        assertThat(ledger.reconciliation().get(FactLedger.UNKNOWN_TYPE))
                .isEqualTo(new FactLedger.Reconciliation(1, 0, 0, 0, 0, 1, 0, 0));
        assertThat(meters.get("tracking.facts.dead-lettered")
                        .tag("fact_type", "DashboardViewed")
                        .tag("category", "rejected-by-posthog")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("tracking.facts.in-flight")
                        .tag("fact_type", "DashboardViewed")
                        .gauge()
                        .value())
                .isEqualTo(1);
    }

    @Test
    void everyFactTypeAndCategoryIsRegisteredAtZeroUpFront() {
        assertThat(meters.get("tracking.facts.consumed").counters()).hasSizeGreaterThan(18);
        assertThat(meters.get("tracking.facts.dead-lettered")
                        .tag("fact_type", "SubscriptionStarted")
                        .tag("category", "oversize")
                        .counter()
                        .count())
                .isZero();
    }
}
