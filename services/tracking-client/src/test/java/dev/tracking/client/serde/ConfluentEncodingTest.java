package dev.tracking.client.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tracking.client.registry.CompatibilityLevel;
import dev.tracking.client.registry.InMemorySchemaRegistryClient;
import dev.tracking.client.registry.SchemaRegistryException;
import dev.tracking.client.registry.SchemaRegistryUnavailableException;
import dev.tracking.client.registry.SubjectNameStrategy;
import dev.tracking.facts.SubscriptionCancelled;
import dev.tracking.facts.SubscriptionStarted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class ConfluentEncodingTest {
    private static final String TOPIC = "facts.subscriptions";
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** Hands out ids from 42, so the first schema registered is id 42 (0x2A). */
    private final InMemorySchemaRegistryClient registry =
            new InMemorySchemaRegistryClient(CompatibilityLevel.BACKWARD, 42);

    private final ConfluentEncoder encoder = ConfluentEncoding.encoder(registry, SubjectNameStrategy.TOPIC_RECORD);
    private final FactDecoder decoder = ConfluentEncoding.decoder(registry);

    /** A fact whose every body byte can be written down: one second after the epoch, no user, no source. */
    private static SubscriptionStarted acmeOnTeamPlanWithTwelveSeats() {
        return new SubscriptionStarted("e1", Instant.ofEpochMilli(1000), "acme", null, null, "team", 12);
    }

    private static final String ACME_TEAM_12_SEATS_WITH_ID_42 = "00" + "0000002A" // magic byte, schema id 42 big-endian
            + "04" + "6531" // event_id "e1": zig-zag length 2, UTF-8
            + "D00F" // occurred_at 1000 ms: zig-zag 2000 as a varint
            + "08" + "61636D65" // team_id "acme"
            + "00" // user_id: union branch 0, null
            + "00" // source: union branch 0, null
            + "08" + "7465616D" // plan "team"
            + "18"; // seats 12: zig-zag 24

    @Test
    void writesMagicByteBigEndianSchemaIdAndAvroBinaryBodyAsConfluentsSerializer() {
        byte[] value = encoder.encode(TOPIC, acmeOnTeamPlanWithTwelveSeats());

        assertThat(HEX.formatHex(value)).isEqualTo(ACME_TEAM_12_SEATS_WITH_ID_42);
        assertThat(registry.versions(TOPIC + "-dev.tracking.facts.SubscriptionStarted"))
                .containsExactly(1);
    }

    @Test
    void readsThoseExactBytesBack() {
        registry.register(TOPIC + "-dev.tracking.facts.SubscriptionStarted", SubscriptionStarted.getClassSchema());

        SpecificRecord fact = decoder.decode(TOPIC, HEX.parseHex(ACME_TEAM_12_SEATS_WITH_ID_42));

        assertThat(fact).isEqualTo(acmeOnTeamPlanWithTwelveSeats());
    }

    @Test
    void headerIsTheMagicByteAndABigEndianId() {
        assertThat(HEX.formatHex(ConfluentEncoding.header(0x01020304))).isEqualTo("0001020304");
        assertThat(ConfluentEncoding.schemaId(ConfluentEncoding.header(Integer.MAX_VALUE)))
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(ConfluentEncoding.schemaId(ConfluentEncoding.header(256))).isEqualTo(256);
        assertThat(ConfluentEncoding.matches(HEX.parseHex("0000000001"))).isTrue();
        assertThat(ConfluentEncoding.matches(HEX.parseHex("00000000"))).isFalse();
        assertThat(ConfluentEncoding.matches(HEX.parseHex("C301000000"))).isFalse();
    }

    @Test
    void steadyStateSendsAndReadsMakeNoRegistryCall() {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            values.add(encoder.encode(TOPIC, acmeOnTeamPlanWithTwelveSeats()));
            values.add(encoder.encode(TOPIC, cancelledBecause("too expensive")));
        }
        assertThat(registry.requests()).as("one registration per fact type").isEqualTo(2);

        values.forEach(value -> decoder.decode(TOPIC, value));

        assertThat(registry.requests()).as("plus one schema fetch per id").isEqualTo(4);
    }

    @Test
    void readsSingleObjectEncodedFactsToo() {
        byte[] singleObject = SingleObjectEncoding.encoder().encode(TOPIC, acmeOnTeamPlanWithTwelveSeats());

        assertThat(decoder.decode(TOPIC, singleObject)).isEqualTo(acmeOnTeamPlanWithTwelveSeats());
        assertThat(registry.requests()).isZero();
    }

    @Test
    void bytesInNeitherFramingAreUndecodable() {
        UndecodableFactException e = catchThrowableOfType(
                UndecodableFactException.class, () -> decoder.decode(TOPIC, HEX.parseHex("7B226576656E74223A")));

        assertThat(e).hasMessageContaining("neither Confluent framing").hasMessageContaining("7B226576");
        assertThat(e.writerSchema()).isNull();
        assertThatThrownBy(() -> decoder.decode(TOPIC, new byte[0])).isInstanceOf(UndecodableFactException.class);
        assertThatThrownBy(() -> decoder.decode(TOPIC, HEX.parseHex("000000")))
                .isInstanceOf(UndecodableFactException.class)
                .hasMessageContaining("not in the Confluent wire format");
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnUnknownWriterSchemaNamedByTheId() {
        byte[] value = HEX.parseHex("00000003E7" + "04");

        UnknownWriterSchemaException e =
                catchThrowableOfType(UnknownWriterSchemaException.class, () -> decoder.decode(TOPIC, value));

        assertThat(e.writerSchema()).isEqualTo("registry-id:999");
        assertThat(e).hasMessageContaining("unknown writer schema registry-id:999");
    }

    @Test
    void anIdUnknownAtFirstIsReadOnceTheSchemaIsRegistered() {
        byte[] value = HEX.parseHex(ACME_TEAM_12_SEATS_WITH_ID_42);
        assertThatThrownBy(() -> decoder.decode(TOPIC, value)).isInstanceOf(UnknownWriterSchemaException.class);

        registry.register(TOPIC + "-dev.tracking.facts.SubscriptionStarted", SubscriptionStarted.getClassSchema());

        assertThat(decoder.decode(TOPIC, value)).isEqualTo(acmeOnTeamPlanWithTwelveSeats());
        assertThat(registry.requests())
                .as("asked again: 'not found' is not cached")
                .isEqualTo(3);
    }

    @Test
    void aKnownIdWithACorruptBodyIsUndecodableNotUnknown() {
        encoder.encode(TOPIC, acmeOnTeamPlanWithTwelveSeats());

        assertThatThrownBy(() -> decoder.decode(TOPIC, HEX.parseHex("000000002A" + "FEFFFFFF0F" + "6531")))
                .isInstanceOf(UndecodableFactException.class)
                .isNotInstanceOf(UnknownWriterSchemaException.class);
    }

    @Test
    void registryDownIsRetryableNotUndecodableAndDecodingResumesWhenItIsBack() {
        byte[] started = encoder.encode(TOPIC, acmeOnTeamPlanWithTwelveSeats());
        byte[] cancelled = encoder.encode(TOPIC, cancelledBecause("moved"));
        decoder.decode(TOPIC, started); // id of SubscriptionStarted now cached
        registry.unavailable(true);

        assertThat(decoder.decode(TOPIC, started)).as("cached id").isEqualTo(acmeOnTeamPlanWithTwelveSeats());
        assertThatThrownBy(() -> decoder.decode(TOPIC, cancelled))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .isNotInstanceOf(UndecodableFactException.class);

        registry.unavailable(false);
        assertThat(decoder.decode(TOPIC, cancelled)).isInstanceOf(SubscriptionCancelled.class);
    }

    @Test
    void publishingAFactTypeNotSentBeforeFailsWhileTheRegistryIsDown() {
        registry.unavailable(true);

        assertThatThrownBy(() -> encoder.encode(TOPIC, acmeOnTeamPlanWithTwelveSeats()))
                .isInstanceOf(SchemaRegistryUnavailableException.class);
    }

    @Test
    void anOlderWriterIsReadIntoTheCurrentClass() {
        GenericRecord v1 = new GenericData.Record(withoutSource());
        v1.put("event_id", "e1");
        v1.put("occurred_at", 1000L);
        v1.put("team_id", "acme");
        v1.put("user_id", null);
        v1.put("plan", "team");
        v1.put("seats", 12);

        SpecificRecord fact = decoder.decode(TOPIC, encoder.encodeRecord(TOPIC, v1));

        assertThat(fact).isEqualTo(acmeOnTeamPlanWithTwelveSeats());
    }

    @Test
    void aNewerWriterIsReadWithAnOlderSchema() {
        SubscriptionStarted current =
                new SubscriptionStarted("e1", Instant.ofEpochMilli(1000), "acme", "user-alice", "billing", "team", 12);
        byte[] value = encoder.encode(TOPIC, current);

        GenericRecord asV1 = new ConfluentDecoder(registry).decodeGeneric(value, withoutSource());

        assertThat(asV1.getSchema().getField("source")).isNull();
        assertThat(asV1.get("plan")).hasToString("team");
        assertThat(asV1.get("seats")).isEqualTo(12);
        assertThat(asV1.get("user_id")).hasToString("user-alice");
    }

    @Test
    void aWriterSchemaThatIsNoFactTypeIsUndecodable() {
        Schema other = SchemaBuilder.record("Other")
                .namespace("com.example")
                .fields()
                .requiredString("x")
                .endRecord();
        GenericRecord record = new GenericData.Record(other);
        record.put("x", "y");
        byte[] value = encoder.encodeRecord(TOPIC, record);

        assertThatThrownBy(() -> decoder.decode(TOPIC, value))
                .isInstanceOf(UndecodableFactException.class)
                .hasMessageContaining("is com.example.Other, not a fact type of the catalogue");
    }

    @Test
    void aWriterSchemaTheCurrentClassCannotReadIsUndecodable() {
        Schema seatsAsString = new Schema.Parser()
                .parse(SubscriptionStarted.getClassSchema()
                        .toString()
                        .replace("\"type\":\"int\"", "\"type\":\"string\""));
        registry.setGlobalCompatibilityLevel(CompatibilityLevel.NONE);
        GenericRecord record = new GenericData.Record(seatsAsString);
        record.put("event_id", "e1");
        record.put("occurred_at", 1000L);
        record.put("team_id", "acme");
        record.put("plan", "team");
        record.put("seats", "twelve");
        byte[] value = encoder.encodeRecord(TOPIC, record);

        UndecodableFactException e =
                catchThrowableOfType(UndecodableFactException.class, () -> decoder.decode(TOPIC, value));

        assertThat(e).hasMessageContaining("cannot be read as dev.tracking.facts.SubscriptionStarted");
        assertThat(e.writerSchema()).startsWith("registry-id:");
    }

    @Test
    void aCorruptLengthIsUndecodableNotAnOutOfMemoryError() {
        encoder.encode(TOPIC, acmeOnTeamPlanWithTwelveSeats());
        byte[] value = HEX.parseHex("000000002A" + "FEFFFFFF0F" + "6531");

        assertThatThrownBy(() -> decoder.decode(TOPIC, value))
                .isInstanceOf(UndecodableFactException.class)
                .hasMessageContaining("corrupt Avro body for writer schema registry-id:42");
    }

    @Test
    void trailingBytesAreUndecodable() {
        byte[] value = HEX.parseHex(ACME_TEAM_12_SEATS_WITH_ID_42 + "00");
        encoder.encode(TOPIC, acmeOnTeamPlanWithTwelveSeats());

        assertThatThrownBy(() -> decoder.decode(TOPIC, value))
                .isInstanceOf(UndecodableFactException.class)
                .hasMessageContaining("trailing bytes");
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaIsRefusedUntilRegistered() {
        ConfluentEncoder lookupOnly = new ConfluentEncoder(registry, SubjectNameStrategy.TOPIC_RECORD, false);

        assertThatThrownBy(() -> lookupOnly.encode(TOPIC, acmeOnTeamPlanWithTwelveSeats()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("under subject facts.subscriptions-dev.tracking.facts.SubscriptionStarted")
                .hasMessageContaining("make schemas-register");

        int id = registry.register(
                "facts.subscriptions-dev.tracking.facts.SubscriptionStarted", SubscriptionStarted.getClassSchema());
        assertThat(lookupOnly.schemaId(TOPIC, SubscriptionStarted.getClassSchema()))
                .isEqualTo(id);
    }

    @Test
    void aSchemaTheRegistryRefusesFailsTheSend() {
        encoder.encode(TOPIC, acmeOnTeamPlanWithTwelveSeats());
        Schema seatsAsString = new Schema.Parser()
                .parse(SubscriptionStarted.getClassSchema()
                        .toString()
                        .replace("\"type\":\"int\"", "\"type\":\"string\""));
        GenericRecord record = new GenericData.Record(seatsAsString);

        assertThatThrownBy(() -> encoder.encodeRecord(TOPIC, record))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void subjectsFollowTheStrategy() {
        ConfluentEncoder byTopic = ConfluentEncoding.encoder(registry, SubjectNameStrategy.TOPIC);
        registry.setGlobalCompatibilityLevel(CompatibilityLevel.NONE);

        byTopic.encode(TOPIC, acmeOnTeamPlanWithTwelveSeats());
        byTopic.encode(TOPIC, cancelledBecause("moved"));

        assertThat(registry.versions("facts.subscriptions-value")).containsExactly(1, 2);
    }

    private static SubscriptionCancelled cancelledBecause(String reason) {
        return new SubscriptionCancelled("e2", Instant.ofEpochMilli(2000), "acme", null, null, reason, 0);
    }

    /** SubscriptionStarted as it was before {@code source} was added: the "v1" of the evolution tests. */
    static Schema withoutSource() {
        Schema current = SubscriptionStarted.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : current.getFields()) {
            if (!field.name().equals("source")) {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }
}
