package dev.tracking.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.bench.sink.ExpectedEvents.Outcome;
import org.junit.jupiter.api.Test;

class ExpectedEventsTest {
    private final boolean[] firstOfFact = new boolean[1];

    @Test
    void tellsFirstArrivalRepeatsAndStrangers() {
        ExpectedEvents expected = new ExpectedEvents(4);
        expected.expect(event("signup", 1, 0), 0);
        expected.expect(event("view", 2, 0), 1);

        assertThat(expected.receive(event("signup", 1, 100), firstOfFact)).isEqualTo(Outcome.FIRST);
        assertThat(firstOfFact[0]).isTrue();
        assertThat(expected.receive(event("signup", 1, 100), firstOfFact)).isEqualTo(Outcome.REPEAT_SAME_UUID);
        assertThat(expected.receive(event("signup", 1, 200), firstOfFact)).isEqualTo(Outcome.REPEAT_NEW_UUID);
        assertThat(expected.receive(event("other", 9, 300), firstOfFact)).isEqualTo(Outcome.UNEXPECTED);
        assertThat(expected.missingByName()).containsOnlyKeys("view").containsEntry("view", 1);
    }

    @Test
    void countsAFactOnceWhateverNumberOfEventsItHas() {
        ExpectedEvents expected = new ExpectedEvents(4);
        expected.expect(event("dashboard_viewed", 1, 0), 7);
        expected.expect(event("dashboard_first_view", 2, 0), 7);

        expected.receive(event("dashboard_viewed", 1, 10), firstOfFact);
        boolean first = firstOfFact[0];
        expected.receive(event("dashboard_first_view", 2, 11), firstOfFact);

        assertThat(first).isTrue();
        assertThat(firstOfFact[0]).isFalse();
        assertThat(expected.facts()).isEqualTo(8);
    }

    @Test
    void growsPastItsFirstSizeAndKeepsEverything() {
        ExpectedEvents expected = new ExpectedEvents(16);
        for (int i = 0; i < 10_000; i++) {
            expected.expect(event("e", i, 0), i);
        }

        assertThat(expected.size()).isEqualTo(10_000);
        assertThat(expected.collisions()).isZero();
        for (int i = 0; i < 10_000; i++) {
            assertThat(expected.receive(event("e", i, i), firstOfFact)).isEqualTo(Outcome.FIRST);
        }
        assertThat(expected.missingByName()).isEmpty();
    }

    @Test
    void aSecondEventWithTheSameKeyIsACollision() {
        ExpectedEvents expected = new ExpectedEvents(4);
        expected.expect(event("e", 1, 0), 0);
        expected.expect(event("e", 1, 0), 1);

        assertThat(expected.size()).isEqualTo(1);
        assertThat(expected.collisions()).isEqualTo(1);
    }

    @Test
    void clearingForgetsArrivalsNotExpectations() {
        ExpectedEvents expected = new ExpectedEvents(4);
        expected.expect(event("e", 1, 0), 0);
        expected.receive(event("e", 1, 5), firstOfFact);

        expected.clearReceived();

        assertThat(expected.missingByName()).containsEntry("e", 1);
        assertThat(expected.receive(event("e", 1, 5), firstOfFact)).isEqualTo(Outcome.FIRST);
    }

    private static ReceivedEvent event(String name, long key, long uuid) {
        ReceivedEvent event = new ReceivedEvent();
        event.name = name;
        event.keyHigh = KeyHash.mix(key);
        event.keyLow = KeyHash.mix(key * 31 + 7) | 1;
        event.uuidHigh = uuid;
        event.uuidLow = uuid * 3;
        return event;
    }
}
