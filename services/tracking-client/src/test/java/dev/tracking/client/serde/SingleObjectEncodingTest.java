package dev.tracking.client.serde;

import static dev.tracking.testkit.fixtures.FactFixtures.ACME;
import static dev.tracking.testkit.fixtures.FactFixtures.ALICE;
import static dev.tracking.testkit.fixtures.FactFixtures.factId;
import static dev.tracking.testkit.fixtures.FactFixtures.githubConnected;
import static dev.tracking.testkit.fixtures.FactFixtures.minutesLater;
import static dev.tracking.testkit.fixtures.FactFixtures.oneOfEachType;
import static dev.tracking.testkit.fixtures.FactFixtures.subscriptionStarted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Named.named;

import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.IntegrationConnected;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.SchemaHistory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SingleObjectEncodingTest {
    private static final String TOPIC = "facts.test";

    private final FactEncoder encoder = SingleObjectEncoding.encoder();
    private final FactDecoder decoder = SingleObjectEncoding.decoder();

    /** A small fact whose every body byte can be written down: one second after the epoch, no source. */
    private static DashboardViewed aliceOnTheDashboardAtOneSecond() {
        return new DashboardViewed(factId("dashboard-at-1s"), Instant.ofEpochMilli(1000), ACME, ALICE, null);
    }

    @Test
    void writesMarkerLittleEndianFingerprintAndAvroBinaryBody() {
        DashboardViewed fact = aliceOnTheDashboardAtOneSecond();
        long fingerprint = SchemaNormalization.parsingFingerprint64(DashboardViewed.getClassSchema());

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(0xC3);
        expected.write(0x01);
        expected.writeBytes(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(fingerprint)
                .array());
        expected.write(36 * 2); // event_id: zig-zag length 36, then the UUID's characters
        expected.writeBytes(fact.getEventId().getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {(byte) 0xD0, 0x0F}); // occurred_at: zig-zag varint of 1000 ms
        expected.write(4 * 2); // team_id "acme"
        expected.writeBytes(ACME.getBytes(StandardCharsets.US_ASCII));
        expected.write(10 * 2); // user_id "user-alice"
        expected.writeBytes(ALICE.getBytes(StandardCharsets.US_ASCII));
        expected.write(0); // source: union branch 0, null

        assertThat(encoder.encode(TOPIC, fact)).containsExactly(expected.toByteArray());
    }

    @Test
    void fingerprintInTheHeaderIsTheLatestReleasedVersionOfTheSchema() {
        byte[] bytes = encoder.encode(TOPIC, subscriptionStarted("team", 5, minutesLater(1)));
        List<Schema> released = SchemaHistory.versionsOf(SubscriptionStarted.class);

        long written =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();

        assertThat(written).isEqualTo(SchemaHistory.fingerprint(released.get(released.size() - 1)));
    }

    @TestFactory
    Stream<DynamicTest> writesTheSameBytesAsAvrosBinaryMessageEncoder() {
        return everyFixture(fact -> {
            byte[] ours = encoder.encode(TOPIC, fact);
            byte[] avros = toArray(avroEncoderFor(fact).encode(fact));

            assertThat(ours).containsExactly(avros);
        });
    }

    @TestFactory
    Stream<DynamicTest> avrosBinaryMessageDecoderReadsOurBytes() {
        return everyFixture(fact -> {
            Schema schema = fact.getSchema();
            BinaryMessageDecoder<SpecificRecord> avroDecoder =
                    new BinaryMessageDecoder<>(SpecificData.getForSchema(schema), schema);

            assertThat(avroDecoder.decode(encoder.encode(TOPIC, fact))).isEqualTo(fact);
        });
    }

    @TestFactory
    Stream<DynamicTest> readsBytesWrittenByAvrosBinaryMessageEncoder() {
        return everyFixture(fact -> {
            byte[] avros = toArray(avroEncoderFor(fact).encode(fact));

            assertThat(decoder.decode(TOPIC, avros)).isEqualTo(fact);
        });
    }

    @TestFactory
    Stream<DynamicTest> roundTripsAFactOfEveryType() {
        return everyFixture(fact -> {
            SpecificRecord decoded = decoder.decode(TOPIC, encoder.encode(TOPIC, fact));

            assertThat(decoded).isInstanceOf(fact.getClass()).isEqualTo(fact);
        });
    }

    @Test
    void everyFactTypeIsCoveredByTheRoundTrip() {
        assertThat(oneOfEachType().keySet()).containsExactlyInAnyOrderElementsOf(FactFamily.typeNames());
    }

    @Test
    void readsAFactWrittenWithAnOlderSchemaIntoTheCurrentClassFillingDefaults() throws IOException {
        Schema current = IntegrationConnected.getClassSchema();
        Schema v0 = without(current, "member_count");
        IntegrationConnected fact = githubConnected();
        GenericRecord writtenByOldPublisher = new GenericData.Record(v0);
        writtenByOldPublisher.put("event_id", fact.getEventId());
        writtenByOldPublisher.put("occurred_at", fact.getOccurredAt().toEpochMilli());
        writtenByOldPublisher.put("team_id", fact.getTeamId());
        writtenByOldPublisher.put("user_id", fact.getUserId());
        writtenByOldPublisher.put("source", fact.getSource());
        writtenByOldPublisher.put(
                "provider", new GenericData.EnumSymbol(v0.getField("provider").schema(), "GITHUB"));
        writtenByOldPublisher.put("org_name", fact.getOrgName());
        byte[] bytes =
                toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v0).encode(writtenByOldPublisher));
        FactDecoder knowsV0 = SingleObjectEncoding.decoder(Map.of(IntegrationConnected.class, List.of(v0, current)));

        SpecificRecord decoded = knowsV0.decode(TOPIC, bytes);

        IntegrationConnected expected =
                IntegrationConnected.newBuilder(fact).setMemberCount(null).build();
        assertThat(decoded).isInstanceOf(IntegrationConnected.class).isEqualTo(expected);
    }

    @Test
    void readsEveryReleasedVersionOfEveryType() throws IOException {
        Map<Class<? extends SpecificRecordBase>, List<Schema>> history = SchemaHistory.all();

        history.forEach((type, versions) -> assertThat(versions)
                .as("released versions of %s", type.getSimpleName())
                .isNotEmpty());
        for (var fact : oneOfEachType().values()) {
            for (Schema released : history.get(fact.getClass())) {
                byte[] bytes =
                        toArray(new BinaryMessageEncoder<SpecificRecord>(SpecificData.getForSchema(released), released)
                                .encode(fact));
                assertThat(decoder.decode(TOPIC, bytes)).isInstanceOf(fact.getClass());
            }
        }
    }

    @Test
    void unknownFingerprintIsAnUnknownWriterSchemaNamedByTheFingerprint() {
        byte[] bytes = encoder.encode(TOPIC, githubConnected());
        byte[] fingerprint = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, (byte) 0x88}; // little-endian
        System.arraycopy(fingerprint, 0, bytes, 2, 8);

        UnknownWriterSchemaException e =
                catchThrowableOfType(UnknownWriterSchemaException.class, () -> decoder.decode(TOPIC, bytes));

        assertThat(e.writerSchema()).isEqualTo("fingerprint:8807060504030201");
        assertThat(e).hasMessageContaining("fingerprint:8807060504030201").hasMessageContaining("unknown");
    }

    @Test
    void factWrittenWithASchemaNewerThanTheSchemasJarIsAnUnknownWriterSchema() throws IOException {
        Schema unreleased = without(IntegrationConnected.getClassSchema(), "member_count");
        GenericRecord record = new GenericData.Record(unreleased);
        unreleased.getFields().forEach(f -> record.put(f.pos(), null));
        record.put("event_id", factId("unreleased"));
        record.put("occurred_at", 1L);
        record.put("team_id", ACME);
        record.put("user_id", ALICE);
        record.put(
                "provider",
                new GenericData.EnumSymbol(unreleased.getField("provider").schema(), "SLACK"));
        byte[] bytes = toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), unreleased).encode(record));
        String reference = String.format("fingerprint:%016x", SchemaNormalization.parsingFingerprint64(unreleased));

        assertThatThrownBy(() -> decoder.decode(TOPIC, bytes))
                .isInstanceOfSatisfying(
                        UnknownWriterSchemaException.class,
                        e -> assertThat(e.writerSchema()).isEqualTo(reference))
                .hasMessageContaining(reference);
    }

    static Stream<Arguments> corruptValues() {
        byte[] valid = SingleObjectEncoding.encoder().encode(TOPIC, githubConnected());
        byte[] randomBytes = new byte[64];
        new Random(7).nextBytes(randomBytes);
        randomBytes[0] = 0x42;
        byte[] wrongMarker = valid.clone();
        wrongMarker[1] = 0x02;
        byte[] hugeStringLength = valid.clone();
        // event_id's length becomes a 5-byte varint of 2^30 - 1 characters; only the rest of the value follows it
        hugeStringLength[10] = (byte) 0xFE;
        hugeStringLength[11] = (byte) 0xFF;
        hugeStringLength[12] = (byte) 0xFF;
        hugeStringLength[13] = (byte) 0xFF;
        hugeStringLength[14] = (byte) 0x07;
        byte[] negativeStringLength = valid.clone();
        negativeStringLength[10] = 0x01; // zig-zag -1
        byte[] trailingBytes = Arrays.copyOf(valid, valid.length + 3);
        return Stream.of(
                corrupt("random bytes", randomBytes, "marker"),
                corrupt("wrong marker", wrongMarker, "marker"),
                corrupt("no bytes", new byte[0], "0 bytes"),
                corrupt("null value", null, "null"),
                corrupt("only the marker", new byte[] {(byte) 0xC3, 0x01}, "truncated"),
                corrupt("truncated fingerprint", Arrays.copyOf(valid, 6), "truncated"),
                corrupt("header without a body", Arrays.copyOf(valid, 10), "corrupt"),
                corrupt("truncated body", Arrays.copyOf(valid, valid.length - 5), "corrupt"),
                corrupt("string length beyond the value", hugeStringLength, "corrupt"),
                corrupt("negative string length", negativeStringLength, "corrupt"),
                corrupt("trailing bytes after the body", trailingBytes, "trailing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptValues")
    void corruptValueIsUndecodable(byte[] value, String reason) {
        assertThatThrownBy(() -> decoder.decode(TOPIC, value))
                .isInstanceOf(UndecodableFactException.class)
                .isNotInstanceOf(UnknownWriterSchemaException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void corruptStringLengthIsRefusedWithoutAllocatingIt() throws InterruptedException {
        assumeTrue(
                ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                        && threads.isThreadAllocatedMemorySupported()
                        && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] valid = encoder.encode(TOPIC, githubConnected());
        byte[] value = valid.clone();
        // event_id's length becomes the varint of 2^30 - 1 characters
        System.arraycopy(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}, 0, value, 10, 5);
        AtomicLong allocated = new AtomicLong(-1);
        AtomicReference<Throwable> failure = new AtomicReference<>();

        // a thread of its own: the decoder keeps per-thread buffers, which another test may have grown already
        Thread decoding = new Thread(() -> {
            decoder.decode(TOPIC, valid); // warm-up with a good value: class loading is not what is measured
            long before = threads.getCurrentThreadAllocatedBytes();
            try {
                decoder.decode(TOPIC, value);
            } catch (Throwable e) {
                failure.set(e);
            }
            allocated.set(threads.getCurrentThreadAllocatedBytes() - before);
        });
        decoding.start();
        decoding.join();

        assertThat(failure.get()).isInstanceOf(UndecodableFactException.class);
        assertThat(allocated.get())
                .as("bytes allocated to refuse a 1 GiB string length")
                .isBetween(0L, 1_000_000L);
    }

    @Test
    void randomlyDamagedBodiesAreDecodedOrUndecodableNeverAnotherFailure() {
        Random random = new Random(20260302);
        List<byte[]> valid = oneOfEachType().values().stream()
                .map(fact -> encoder.encode(TOPIC, fact))
                .toList();
        List<Throwable> otherFailures = new ArrayList<>();
        int undecodable = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] value = valid.get(random.nextInt(valid.size())).clone();
            for (int b = SingleObjectEncoding.HEADER_LENGTH; b < value.length; b++) {
                if (random.nextInt(8) == 0) {
                    value[b] = (byte) random.nextInt(256);
                }
            }
            try {
                decoder.decode(TOPIC, value);
            } catch (UndecodableFactException expected) {
                undecodable++;
            } catch (Throwable other) { // OutOfMemoryError included: a corrupt length must not allocate
                otherFailures.add(other);
            }
        }

        assertThat(otherFailures).isEmpty();
        assertThat(undecodable).as("damaged values refused").isPositive();
    }

    @Test
    void encodingAFactWithANullRequiredFieldNamesTheRecord() {
        DashboardViewed withoutTeam = new DashboardViewed(factId("no-team"), minutesLater(1), null, ALICE, null);

        assertThatThrownBy(() -> encoder.encode(TOPIC, withoutTeam))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DashboardViewed")
                .hasMessageContaining("team_id");
    }

    @Test
    void recognisesTheMarker() {
        assertThat(SingleObjectEncoding.matches(encoder.encode(TOPIC, githubConnected())))
                .isTrue();
        assertThat(SingleObjectEncoding.matches(new byte[] {0x00, 0x00, 0x00, 0x00, 0x01}))
                .as("Confluent framing")
                .isFalse();
        assertThat(SingleObjectEncoding.matches(new byte[] {(byte) 0xC3})).isFalse();
        assertThat(SingleObjectEncoding.matches(null)).isFalse();
    }

    private static Arguments corrupt(String name, byte[] value, String reason) {
        return Arguments.of(named(name, value), reason);
    }

    private interface FixtureCheck {
        void check(SpecificRecordBase fact) throws Exception;
    }

    private static Stream<DynamicTest> everyFixture(FixtureCheck check) {
        return oneOfEachType().entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> check.check(e.getValue())));
    }

    private static BinaryMessageEncoder<SpecificRecord> avroEncoderFor(SpecificRecord fact) {
        Schema schema = fact.getSchema();
        return new BinaryMessageEncoder<>(SpecificData.getForSchema(schema), schema);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** The schema as it was before {@code field} was added (a nullable field with a default). */
    private static Schema without(Schema schema, String field) {
        List<Schema.Field> fields = schema.getFields().stream()
                .filter(f -> !f.name().equals(field))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList();
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
