package dev.tracking.consumer.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tracking.client.registry.InMemorySchemaRegistryClient;
import dev.tracking.client.registry.SchemaRegistryUnavailableException;
import dev.tracking.client.registry.SubjectNameStrategy;
import dev.tracking.client.serde.ConfluentEncoding;
import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.consumer.deadletter.FactRejectedException;
import dev.tracking.consumer.deadletter.FailureCategory;
import dev.tracking.facts.IntegrationConnected;
import dev.tracking.testkit.fixtures.FactFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FactReaderTest {
    private static final String TOPIC = "facts.integrations";
    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    private final MovableClock clock = new MovableClock(START);
    private final UnknownSchemaHold hold = new UnknownSchemaHold(TEN_MINUTES, clock);
    private final FactReader reader = new FactReader(SingleObjectEncoding.decoder(), hold, clock);

    /** GitHub connected, single-object encoded, naming a fingerprint no released schema has. */
    private static byte[] githubConnectedWithAnUnreleasedFingerprint(int fingerprint) {
        byte[] value = SingleObjectEncoding.encoder().encode(TOPIC, FactFixtures.githubConnected());
        Arrays.fill(value, 2, 10, (byte) 0);
        value[2] = (byte) fingerprint;
        return value;
    }

    private static ConsumerRecord<byte[], byte[]> at(long offset, byte[] value) {
        return new ConsumerRecord<>(TOPIC, 2, offset, FactFixtures.ACME.getBytes(), value);
    }

    @Test
    void aRecordNamingAnUnknownFingerprintIsHeldWithinTheHold() {
        assertThatThrownBy(() -> reader.read(at(7, githubConnectedWithAnUnreleasedFingerprint(1))))
                .isInstanceOf(WriterSchemaPendingException.class);
        clock.move(Duration.ofMinutes(4));

        WriterSchemaPendingException pending = catchThrowableOfType(
                WriterSchemaPendingException.class,
                () -> reader.read(at(7, githubConnectedWithAnUnreleasedFingerprint(1))));

        assertThat(pending.writerSchema()).isEqualTo("fingerprint:0000000000000001");
        assertThat(pending.partition()).isEqualTo(new TopicPartition(TOPIC, 2));
        assertThat(pending.offset()).isEqualTo(7);
        assertThat(pending.since()).isEqualTo(START);
        assertThat(pending.deadLetterAt()).isEqualTo(START.plus(TEN_MINUTES));
        assertThat(pending)
                .hasMessage("writer schema fingerprint:0000000000000001 of facts.integrations-2@7 unknown, held for 4m"
                        + " (since 2026-03-02T09:00:00Z); its records are dead-lettered from 2026-03-02T09:10:00Z"
                        + " unless it becomes known");
    }

    @Test
    void aRecordStillUnknownWhenTheHoldIsOverIsDeadLetteredAsDecodeWithItsWriterSchema() {
        assertThatThrownBy(() -> reader.read(at(7, githubConnectedWithAnUnreleasedFingerprint(1))))
                .isInstanceOf(WriterSchemaPendingException.class);
        clock.move(TEN_MINUTES.minusMillis(1));
        assertThatThrownBy(() -> reader.read(at(7, githubConnectedWithAnUnreleasedFingerprint(1))))
                .as("a millisecond before the end of the hold")
                .isInstanceOf(WriterSchemaPendingException.class);
        clock.move(Duration.ofMillis(1));

        FactRejectedException rejected = catchThrowableOfType(
                FactRejectedException.class, () -> reader.read(at(7, githubConnectedWithAnUnreleasedFingerprint(1))));

        assertThat(rejected.category()).isEqualTo(FailureCategory.DECODE);
        assertThat(rejected.writerSchema()).isEqualTo("fingerprint:0000000000000001");
        assertThat(rejected)
                .hasMessageContaining("unknown writer schema fingerprint:0000000000000001")
                .hasMessageContaining("unknown since 2026-03-02T09:00:00Z")
                .hasMessageContaining("tracking.schema-registry.unknown-schema-hold=10m");
    }

    @Test
    void laterRecordsNamingASchemaWhoseHoldIsOverAreDeadLetteredAtOnce() {
        assertThatThrownBy(() -> reader.read(at(7, githubConnectedWithAnUnreleasedFingerprint(1))))
                .isInstanceOf(WriterSchemaPendingException.class);
        clock.move(TEN_MINUTES);
        assertThatThrownBy(() -> reader.read(at(7, githubConnectedWithAnUnreleasedFingerprint(1))))
                .isInstanceOf(FactRejectedException.class);

        assertThatThrownBy(() -> reader.read(at(8, githubConnectedWithAnUnreleasedFingerprint(1))))
                .isInstanceOf(FactRejectedException.class);
    }

    @Test
    void eachSchemaIsHeldFromTheFirstRecordNamingIt() {
        assertThatThrownBy(() -> reader.read(at(7, githubConnectedWithAnUnreleasedFingerprint(1))))
                .isInstanceOf(WriterSchemaPendingException.class);
        clock.move(Duration.ofMinutes(6));
        assertThatThrownBy(() -> reader.read(at(8, githubConnectedWithAnUnreleasedFingerprint(2))))
                .isInstanceOf(WriterSchemaPendingException.class);
        clock.move(Duration.ofMinutes(5));

        assertThatThrownBy(() -> reader.read(at(7, githubConnectedWithAnUnreleasedFingerprint(1))))
                .as("11 minutes after its first record")
                .isInstanceOf(FactRejectedException.class);
        assertThatThrownBy(() -> reader.read(at(8, githubConnectedWithAnUnreleasedFingerprint(2))))
                .as("5 minutes after its first record")
                .isInstanceOf(WriterSchemaPendingException.class);
    }

    @Test
    void aSchemaIdRegisteredDuringTheHoldIsReadAndForgotten() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        FactReader withRegistry = new FactReader(ConfluentEncoding.decoder(registry), hold, clock);
        byte[] registered = ConfluentEncoding.encoder(new InMemorySchemaRegistryClient(), SubjectNameStrategy.DEFAULT)
                .encode(TOPIC, FactFixtures.githubConnected()); // id 1 of another registry
        assertThatThrownBy(() -> withRegistry.read(at(7, registered))).isInstanceOf(WriterSchemaPendingException.class);
        assertThat(hold.held())
                .extracting(UnknownSchemaHold.Unknown::writerSchema)
                .containsExactly("registry-id:1");
        clock.move(Duration.ofMinutes(3));

        registry.register(TOPIC + "-value", IntegrationConnected.getClassSchema());

        assertThat(withRegistry.read(at(7, registered))).isEqualTo(FactFixtures.githubConnected());
        assertThat(hold.isEmpty()).as("forgotten").isTrue();
        assertThat(hold.held()).isEmpty();
    }

    @Test
    void aSchemaForgottenAfterItResolvedStartsAFreshHoldIfUnknownAgain() {
        byte[] unknown = githubConnectedWithAnUnreleasedFingerprint(1);
        assertThatThrownBy(() -> reader.read(at(7, unknown))).isInstanceOf(WriterSchemaPendingException.class);
        clock.move(Duration.ofMinutes(9));
        hold.resolved("fingerprint:0000000000000001"); // e.g. a registry that knew it for a moment
        clock.move(Duration.ofMinutes(2));

        WriterSchemaPendingException pending =
                catchThrowableOfType(WriterSchemaPendingException.class, () -> reader.read(at(7, unknown)));

        assertThat(pending.since()).isEqualTo(START.plus(Duration.ofMinutes(11)));
    }

    @Test
    void withoutAHoldAnUnknownSchemaIsDeadLetteredAtOnce() {
        FactReader noHold =
                new FactReader(SingleObjectEncoding.decoder(), new UnknownSchemaHold(Duration.ZERO, clock), clock);

        FactRejectedException rejected = catchThrowableOfType(
                FactRejectedException.class, () -> noHold.read(at(7, githubConnectedWithAnUnreleasedFingerprint(1))));

        assertThat(rejected.category()).isEqualTo(FailureCategory.DECODE);
        assertThat(rejected.writerSchema()).isEqualTo("fingerprint:0000000000000001");
    }

    @Test
    void corruptBytesAreDeadLetteredAtOnceWhateverTheHold() {
        byte[] valid = SingleObjectEncoding.encoder().encode(TOPIC, FactFixtures.githubConnected());
        byte[] truncated = Arrays.copyOf(valid, valid.length - 5);

        FactRejectedException rejected =
                catchThrowableOfType(FactRejectedException.class, () -> reader.read(at(7, truncated)));

        assertThat(rejected.category()).isEqualTo(FailureCategory.DECODE);
        assertThat(rejected.writerSchema()).startsWith("fingerprint:");
        assertThat(hold.isEmpty()).isTrue();
    }

    @Test
    void aRegistryThatCannotBeAskedIsNeitherHeldNorDeadLettered() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        FactReader withRegistry = new FactReader(ConfluentEncoding.decoder(registry), hold, clock);
        byte[] value = ConfluentEncoding.encoder(registry, SubjectNameStrategy.DEFAULT)
                .encode(TOPIC, FactFixtures.githubConnected());
        registry.unavailable(true);

        assertThatThrownBy(() -> withRegistry.read(at(7, value)))
                .isInstanceOf(SchemaRegistryUnavailableException.class);
        assertThat(hold.isEmpty()).isTrue();
    }

    @Test
    void aDecodedFactThatBreaksARuleIsRejectedForValidation() {
        FactDecoder decoder = (topic, value) -> IntegrationConnected.newBuilder(FactFixtures.githubConnected())
                .setEventId("")
                .build();

        assertThatThrownBy(() -> new FactReader(decoder, hold, clock).read(at(7, new byte[] {1})))
                .isInstanceOfSatisfying(
                        FactRejectedException.class,
                        e -> assertThat(e.category()).isEqualTo(FailureCategory.VALIDATION));
    }
}
