package dev.tracking.consumer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.testkit.fixtures.FactFixtures;
import java.util.List;
import java.util.TimeZone;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class DeterminismTest {

    @Test
    void mappingTheSameFactTwiceGivesByteIdenticalEventsWhateverTheClockAndZone() {
        FactDecoder decoder = SingleObjectEncoding.decoder();
        TimeZone original = TimeZone.getDefault();
        try {
            for (SpecificRecordBase fact : FactFixtures.oneOfEachType().values()) {
                TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
                List<String> first = texts(fact);
                TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
                // a re-delivered fact is a new object decoded from the same bytes, mapped later
                SpecificRecordBase again = (SpecificRecordBase)
                        decoder.decode("t", SingleObjectEncoding.encoder().encode("t", fact));
                List<String> second = texts(again);

                assertThat(second)
                        .as("events of %s", fact.getSchema().getName())
                        .isEqualTo(first);
            }
        } finally {
            TimeZone.setDefault(original);
        }
    }

    @Test
    void eventsOfOneFactHaveDistinctUuidsAndTheFactsOccurredAtAsTimestamp() {
        List<PostHogEvent> events =
                FactMapping.standard().map(FactFixtures.subscriptionStarted("team", 3, FactFixtures.MONDAY_9AM));

        assertThat(events).extracting(PostHogEvent::uuid).doesNotHaveDuplicates();
        assertThat(events)
                .allSatisfy(
                        event -> assertThat(event.jsonText()).contains("\"timestamp\":\"2026-03-02T09:00:00.123Z\""));
    }

    private static List<String> texts(SpecificRecordBase fact) {
        return FactMapping.standard().map(fact).stream()
                .map(PostHogEvent::jsonText)
                .toList();
    }
}
