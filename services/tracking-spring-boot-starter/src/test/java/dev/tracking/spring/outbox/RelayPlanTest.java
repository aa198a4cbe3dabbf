package dev.tracking.spring.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayPlanTest {

    @Test
    void sendsEveryLockedRowWhenNoOtherRoundHoldsAnEarlierRowOfItsKey() {
        List<OutboxRow> locked = List.of(row(1, "acme"), row(2, "globex"), row(3, "acme"));

        List<OutboxRow> sendable = RelayPlan.sendable(locked, waiting(1, "acme", 2, "globex", 3, "acme"));

        assertThat(ids(sendable)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void holdsBackAKeyWhoseEarlierRowAnotherRoundLocked() {
        // row 1 (acme) is locked by another instance: SKIP LOCKED hid it from this round
        List<OutboxRow> locked = List.of(row(2, "globex"), row(3, "acme"), row(4, "acme"));

        List<OutboxRow> sendable = RelayPlan.sendable(locked, waiting(1, "acme", 2, "globex", 3, "acme", 4, "acme"));

        assertThat(ids(sendable)).containsExactly(2L);
    }

    @Test
    void sendsAKeyUpToTheFirstRowItDoesNotHold() {
        // row 3 (acme) committed after this round locked its rows, or another round holds it
        List<OutboxRow> locked = List.of(row(1, "acme"), row(2, "acme"), row(4, "acme"));

        List<OutboxRow> sendable = RelayPlan.sendable(locked, waiting(1, "acme", 2, "acme", 3, "acme", 4, "acme"));

        assertThat(ids(sendable)).containsExactly(1L, 2L);
    }

    @Test
    void nothingWaitingButTheLockedRowsMeansAllGo() {
        List<OutboxRow> locked = List.of(row(7, "user-alice"));

        assertThat(ids(RelayPlan.sendable(locked, waiting(7, "user-alice")))).containsExactly(7L);
    }

    private static OutboxRow row(long id, String key) {
        return new OutboxRow(id, "event-" + id, "SubscriptionStarted", key, new byte[0], 0);
    }

    private static List<RelayPlan.Waiting> waiting(Object... idAndKey) {
        List<RelayPlan.Waiting> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < idAndKey.length; i += 2) {
            waiting.add(new RelayPlan.Waiting(((Number) idAndKey[i]).longValue(), (String) idAndKey[i + 1]));
        }
        return waiting;
    }

    private static List<Long> ids(List<OutboxRow> rows) {
        return rows.stream().map(OutboxRow::id).toList();
    }
}
