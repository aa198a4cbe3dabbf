package dev.tracking.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchReaderTest {
    /** An event as the tracking consumer renders it (EventBuilder). */
    private static final String CONSUMER_SIGNUP = """
            {"event":"user_signed_up","distinct_id":"user-acme-1-1",\
            "uuid":"5b0c6f0e-3f1d-5a4e-9c1b-2d3e4f5a6b7c","timestamp":"2026-03-02T09:00:00.123Z",\
            "properties":{"method":"github","source":"signup-service","$lib":"tracking-consumer",\
            "$set_once":{"email":"a@acme.example"},"$groups":{"team":"acme-1"}}}""";

    /** The same event as posthog-server 2.3.3 sends it (captured from the SDK): another uuid, its own $lib. */
    private static final String SDK_SIGNUP = """
            {"event":"user_signed_up","distinct_id":"user-acme-1-1",\
            "properties":{"$set_once":{"email":"a@acme.example"},"$groups":{"team":"acme-1"},\
            "$lib":"posthog-server","$lib_version":"2.3.3","method":"github","source":"signup-service"},\
            "timestamp":"2026-03-02T09:00:00.123Z","uuid":"01a21dbc-8e24-7534-a4b6-906ee0eec03c"}""";

    private static final String CONSUMER_GROUP = """
            {"event":"$groupidentify","distinct_id":"$team_acme-1",\
            "uuid":"6b0c6f0e-3f1d-5a4e-9c1b-2d3e4f5a6b7c","timestamp":"2026-03-02T09:00:00.123Z",\
            "properties":{"$lib":"tracking-consumer","$group_type":"team","$group_key":"acme-1",\
            "$group_set":{"plan":"team","seats":12},"$process_person_profile":false}}""";

    /** The SDK's group(): stamped with its send time, pairs in another order, a number written as 12.0. */
    private static final String SDK_GROUP = """
            {"event":"$groupidentify","distinct_id":"$team_acme-1",\
            "properties":{"$lib":"posthog-server","$lib_version":"2.3.3","$group_type":"team",\
            "$group_key":"acme-1","$group_set":{"seats":12.0,"plan":"team"}},\
            "timestamp":"2026-11-27T16:00:26.152Z","uuid":"01a21dbc-8e28-71f2-afdb-df5684d8efc4"}""";

    private final BatchReader reader = new BatchReader();

    @Test
    void sameEventFromTheConsumerAndFromTheSdkHasOneKey() throws IOException {
        Snapshot consumer = Snapshot.of(reader.readEvent(bytes(CONSUMER_SIGNUP)));
        Snapshot sdk = Snapshot.of(reader.readEvent(bytes(SDK_SIGNUP)));

        assertThat(sdk.keyHigh).isEqualTo(consumer.keyHigh);
        assertThat(sdk.keyLow).isEqualTo(consumer.keyLow);
        assertThat(sdk.bodyHash).isNotEqualTo(consumer.bodyHash);
        assertThat(sdk.uuidHigh).isNotEqualTo(consumer.uuidHigh);
    }

    @Test
    void groupUpdateIsKnownByItsGroupAndPairsWhateverItsTimestampAndOrder() throws IOException {
        Snapshot consumer = Snapshot.of(reader.readEvent(bytes(CONSUMER_GROUP)));
        Snapshot sdk = Snapshot.of(reader.readEvent(bytes(SDK_GROUP)));
        Snapshot otherSeats =
                Snapshot.of(reader.readEvent(bytes(CONSUMER_GROUP.replace("\"seats\":12", "\"seats\":13"))));

        assertThat(sdk.keyHigh).isEqualTo(consumer.keyHigh);
        assertThat(sdk.keyLow).isEqualTo(consumer.keyLow);
        assertThat(otherSeats.keyLow).isNotEqualTo(consumer.keyLow);
    }

    @Test
    void eventsAtAnotherMillisecondAreOtherEvents() throws IOException {
        Snapshot first = Snapshot.of(reader.readEvent(bytes(CONSUMER_SIGNUP)));
        Snapshot later = Snapshot.of(reader.readEvent(bytes(CONSUMER_SIGNUP.replace("00.123Z", "00.124Z"))));

        assertThat(later.keyLow).isNotEqualTo(first.keyLow);
        assertThat(later.timestamp - first.timestamp).isEqualTo(1);
    }

    @Test
    void readsUuidAndTimestamp() throws IOException {
        ReceivedEvent event = reader.readEvent(bytes(CONSUMER_SIGNUP));

        assertThat(event.uuidValid()).isTrue();
        assertThat(new java.util.UUID(event.uuidHigh(), event.uuidLow()))
                .hasToString("5b0c6f0e-3f1d-5a4e-9c1b-2d3e4f5a6b7c");
        assertThat(event.timestampMillis())
                .isEqualTo(java.time.Instant.parse("2026-03-02T09:00:00.123Z").toEpochMilli());
        assertThat(event.name()).isEqualTo("user_signed_up");
    }

    @Test
    void aRepeatedBodyHashesTheSameAndAnyChangeHashesOtherwise() throws IOException {
        int once = reader.readEvent(bytes(CONSUMER_SIGNUP)).bodyHash();
        int again = reader.readEvent(bytes(CONSUMER_SIGNUP)).bodyHash();
        int changed = reader.readEvent(bytes(CONSUMER_SIGNUP.replace("github", "gitlab")))
                .bodyHash();

        assertThat(again).isEqualTo(once);
        assertThat(changed).isNotEqualTo(once);
    }

    @Test
    void aNonUuidIsNoticed() throws IOException {
        ReceivedEvent event = reader.readEvent(bytes(CONSUMER_SIGNUP.replace("5b0c6f0e-3f1d", "not-a-uuid-3f1d")));

        assertThat(event.uuidValid()).isFalse();
    }

    @Test
    void readsEveryEventOfABatch() throws IOException {
        byte[] body = bytes(
                "{\"api_key\":\"phc_x\",\"batch\":[" + CONSUMER_SIGNUP + "," + CONSUMER_GROUP + "],\"sent_at\":null}");
        List<String> names = new ArrayList<>();

        BatchReader.Batch batch = reader.read(body, body.length, event -> names.add(event.name()));

        assertThat(batch.events()).isEqualTo(2);
        assertThat(batch.hasApiKey()).isTrue();
        assertThat(names).containsExactly("user_signed_up", "$groupidentify");
    }

    @Test
    void refusesWhatIsNoBatch() {
        for (String body : List.of("[]", "{\"api_key\":\"x\"}", "{\"batch\":{}}", "{\"batch\":[1]}", "{\"batch\":[{")) {
            byte[] bytes = bytes(body);
            assertThatThrownBy(() -> reader.read(bytes, bytes.length, event -> {}))
                    .as(body)
                    .isInstanceOf(BatchReader.MalformedBatchException.class);
        }
    }

    @Test
    void parsesOtherTimestampFormsTheSlowWay() {
        assertThat(BatchReader.parseTimestamp("2026-03-02T10:00:00.123+01:00"))
                .isEqualTo(java.time.Instant.parse("2026-03-02T09:00:00.123Z").toEpochMilli());
        assertThat(BatchReader.parseTimestamp("1999-12-31T23:59:59.999Z"))
                .isEqualTo(java.time.Instant.parse("1999-12-31T23:59:59.999Z").toEpochMilli());
        assertThat(BatchReader.parseTimestamp("yesterday")).isEqualTo(Long.MIN_VALUE);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A copy of the reader's reused event. */
    private record Snapshot(long keyHigh, long keyLow, int bodyHash, long uuidHigh, long timestamp) {
        static Snapshot of(ReceivedEvent event) {
            return new Snapshot(
                    event.keyHigh(), event.keyLow(), event.bodyHash(), event.uuidHigh(), event.timestampMillis());
        }
    }
}
