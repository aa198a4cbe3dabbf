package dev.tracking.testkit.posthog;

import static dev.tracking.testkit.posthog.Batches.ALICE_SIGNUP_UUID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapturedEventsTest {
    private static final String ALICE = Batches.signupOfAlice();
    private static final String ALICE_LATER_CLOCK =
            ALICE.replace("2025-03-01T10:15:30.123Z", "2025-03-01T10:15:31.000Z");

    private static CapturedEvent aliceSignup(String raw, long request, boolean abandoned) {
        return new CapturedEvent(
                "user_signed_up",
                "user-alice",
                ALICE_SIGNUP_UUID,
                null,
                MissingNode.getInstance(),
                raw,
                request,
                abandoned);
    }

    @Test
    void acceptsAnExactRepeatOfAnEventFromAnAbandonedRequest() {
        List<CapturedEvent> events = List.of(aliceSignup(ALICE, 1, true), aliceSignup(ALICE, 2, false));

        assertThat(CapturedEvents.duplicatesByIdentity(events)).hasSize(1);
        assertThat(CapturedEvents.unexplainedDuplicates(events)).isEmpty();
    }

    @Test
    void acceptsSeveralExactRepeatsAfterAbandonedRequests() {
        List<CapturedEvent> events =
                List.of(aliceSignup(ALICE, 1, true), aliceSignup(ALICE, 2, true), aliceSignup(ALICE, 3, false));

        assertThat(CapturedEvents.unexplainedDuplicates(events)).isEmpty();
    }

    @Test
    void reportsAnExactRepeatOfAnAcknowledgedEvent() {
        List<CapturedEvent> events = List.of(aliceSignup(ALICE, 1, false), aliceSignup(ALICE, 2, false));

        assertThat(CapturedEvents.unexplainedDuplicates(events))
                .singleElement()
                .asString()
                .contains("uuid=" + ALICE_SIGNUP_UUID, "request 2", "acknowledged");
    }

    @Test
    void reportsARepeatAfterAnAcknowledgedCopyEvenIfALaterCopyWasAbandoned() {
        List<CapturedEvent> events = List.of(aliceSignup(ALICE, 1, false), aliceSignup(ALICE, 2, true));

        assertThat(CapturedEvents.unexplainedDuplicates(events)).hasSize(1);
    }

    @Test
    void reportsARepeatWhoseJsonDiffersEvenAfterAnAbandonedRequest() {
        List<CapturedEvent> events = List.of(aliceSignup(ALICE, 1, true), aliceSignup(ALICE_LATER_CLOCK, 2, false));

        assertThat(CapturedEvents.unexplainedDuplicates(events))
                .singleElement()
                .asString()
                .contains("differs", "10:15:3");
    }

    @Test
    void ignoresDistinctIdentitiesAndEventsWithoutUuid() {
        CapturedEvent noUuid =
                new CapturedEvent("page_viewed", "user-alice", null, null, MissingNode.getInstance(), "{}", 1, false);
        CapturedEvent bobSignup = new CapturedEvent(
                "user_signed_up", "user-bob", ALICE_SIGNUP_UUID, null, MissingNode.getInstance(), "{}", 1, false);
        List<CapturedEvent> events = List.of(noUuid, noUuid, aliceSignup(ALICE, 1, false), bobSignup);

        assertThat(CapturedEvents.duplicatesByIdentity(events)).isEmpty();
        assertThat(CapturedEvents.unexplainedDuplicates(events)).isEmpty();
        assertThat(CapturedEvents.named(events, "user_signed_up")).hasSize(2);
    }
}
