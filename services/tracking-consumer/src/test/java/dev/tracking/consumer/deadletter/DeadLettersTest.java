package dev.tracking.consumer.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;
import org.springframework.kafka.support.KafkaUtils;

/**
 * {@link DeadLetters} writing through a real {@link KafkaTemplate} to Kafka's {@link MockProducer}, which stands in for
 * the broker: it acknowledges each write at once or when the test says so.
 */
class DeadLettersTest {
    private static final String FACTS = "facts.onboarding";
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Instant FIRST_FAILURE = Instant.parse("2026-03-02T12:00:00Z");
    private static final Instant LAST_FAILURE = Instant.parse("2026-03-02T12:00:07.500Z");

    /** A key and a value that are not UTF-8 text, to see them kept byte for byte. */
    private static final byte[] KEY = {'t', 'e', 'a', 'm', '-', 0x00, (byte) 0xc3, 0x28};

    private static final byte[] VALUE = {0x00, 0x00, 0x00, 0x00, 0x2a, (byte) 0xff, (byte) 0xfe, 0x01, 0x7f};

    /** The thread a test sends on while it plays the broker, when it needs one. */
    private Thread listener;

    @AfterEach
    void stopListener() {
        if (listener != null) {
            listener.interrupt();
        }
    }

    @Test
    void writesTheRecordToTheDeadLetterTopicOfItsSourceKeepingKeyValueAndHeadersByteForByte() {
        FakeBroker broker = FakeBroker.acknowledgingAtOnce();
        ConsumerRecord<byte[], byte[]> record = recordAt(3, 41);

        deadLettersWritingTo(broker).send(record, null, rejectedBy400());

        assertThat(broker.history()).hasSize(1);
        ProducerRecord<byte[], byte[]> deadLetter = broker.history().get(0);
        assertThat(deadLetter.topic()).isEqualTo("facts.onboarding-dlt");
        assertThat(deadLetter.partition())
                .as("left to the producer, which partitions by key")
                .isNull();
        assertThat(deadLetter.key()).isEqualTo(KEY);
        assertThat(deadLetter.value()).isEqualTo(VALUE);
        assertThat(originalHeadersOf(deadLetter)).containsExactlyElementsOf(record.headers());
    }

    @Test
    void namesWhereTheRecordCameFromInSpringsHeaders() {
        FakeBroker broker = FakeBroker.acknowledgingAtOnce();

        deadLettersWritingTo(broker).send(recordAt(3, 41), null, rejectedBy400());

        ProducerRecord<byte[], byte[]> deadLetter = broker.history().get(0);
        assertThat(text(deadLetter, "kafka_dlt-original-topic")).isEqualTo(FACTS);
        assertThat(ByteBuffer.wrap(header(deadLetter, "kafka_dlt-original-partition"))
                        .getInt())
                .isEqualTo(3);
        assertThat(ByteBuffer.wrap(header(deadLetter, "kafka_dlt-original-offset"))
                        .getLong())
                .isEqualTo(41L);
        assertThat(text(deadLetter, "kafka_dlt-exception-fqcn")).isEqualTo(FactRejectedException.class.getName());
    }

    @Test
    void saysWhyTheRecordWasDeadLetteredInOurHeaders() throws Exception {
        FakeBroker broker = FakeBroker.acknowledgingAtOnce();

        deadLettersWritingTo(broker).send(recordAt(3, 41), null, rejectedBy400());

        ProducerRecord<byte[], byte[]> deadLetter = broker.history().get(0);
        assertThat(text(deadLetter, "tracking_dlt-category")).isEqualTo("rejected-by-posthog");
        assertThat(text(deadLetter, "tracking_dlt-attempts")).isEqualTo("3");
        assertThat(text(deadLetter, "tracking_dlt-first-failure")).isEqualTo("2026-03-02T12:00:00Z");
        assertThat(text(deadLetter, "tracking_dlt-last-failure")).isEqualTo("2026-03-02T12:00:07.500Z");
        assertThat(text(deadLetter, "tracking_dlt-fact-type")).isEqualTo("dev.tracking.schemas.onboarding.TeamCreated");
        assertThat(text(deadLetter, "tracking_dlt-writer-schema")).isEqualTo("registry:42");
        assertThat(text(deadLetter, "tracking_dlt-posthog-status")).isEqualTo("400");
        assertThat(text(deadLetter, "tracking_dlt-posthog-event")).isEqualTo("team_created,signup_completed");
        assertThat(text(deadLetter, "tracking_dlt-host"))
                .isEqualTo(InetAddress.getLocalHost().getHostName());
    }

    @Test
    void leavesOutTheDetailsAnUnreadableRecordDoesNotHave() {
        FakeBroker broker = FakeBroker.acknowledgingAtOnce();

        deadLettersWritingTo(broker).send(recordAt(3, 41), null, unreadable());

        ProducerRecord<byte[], byte[]> deadLetter = broker.history().get(0);
        assertThat(text(deadLetter, "tracking_dlt-category")).isEqualTo("decode");
        assertThat(text(deadLetter, "tracking_dlt-attempts")).isEqualTo("1");
        assertThat(text(deadLetter, "tracking_dlt-last-failure")).isEqualTo("2026-03-02T12:00:00Z");
        assertThat(headerNames(deadLetter))
                .doesNotContain(
                        "tracking_dlt-fact-type",
                        "tracking_dlt-writer-schema",
                        "tracking_dlt-posthog-status",
                        "tracking_dlt-posthog-event",
                        "kafka_dlt-original-consumer-group");
    }

    @Test
    void namesTheConsumerGroupOfTheListenerThread() {
        FakeBroker broker = FakeBroker.acknowledgingAtOnce();
        KafkaUtils.setConsumerGroupId("tracking-consumer");
        try {
            deadLettersWritingTo(broker).send(recordAt(3, 41), null, rejectedBy400());
        } finally {
            KafkaUtils.clearConsumerGroupId();
        }

        assertThat(text(broker.history().get(0), "kafka_dlt-original-consumer-group"))
                .isEqualTo("tracking-consumer");
    }

    @Test
    void returnsOnlyAfterTheBrokerAcknowledgedTheWrite() throws Exception {
        FakeBroker broker = FakeBroker.acknowledgingWhenTold();
        DeadLetters deadLetters = deadLettersWritingTo(broker);
        List<String> events = new CopyOnWriteArrayList<>();

        Future<?> sending = onListenerThread(() -> {
            deadLetters.send(recordAt(3, 41), null, rejectedBy400());
            events.add("send returned");
        });
        broker.awaitWrite();
        awaitListenerWaitingOrDone(sending);
        assertThat(sending).as("send, while the write is not acknowledged").isNotDone();
        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 41))).isFalse();

        events.add("broker acknowledged");
        broker.completeNext();

        sending.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(events).containsExactly("broker acknowledged", "send returned");
        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 41))).isTrue();
    }

    @Test
    void throwsAndRemembersNothingWhenTheBrokerFailsTheWrite() throws Exception {
        FakeBroker broker = FakeBroker.acknowledgingWhenTold();
        DeadLetters deadLetters = deadLettersWritingTo(broker);
        NotEnoughReplicasException notEnoughReplicas = new NotEnoughReplicasException("1 in-sync replica of 2");

        Future<?> sending = onListenerThread(() -> deadLetters.send(recordAt(3, 41), null, rejectedBy400()));
        broker.awaitWrite();
        // failed before KafkaTemplate looks at the returned future, the write would surface as "Send failed" thrown
        // from send itself, which the recoverer logs and replaces by an exception without cause
        awaitListenerWaitingOrDone(sending);
        broker.errorNext(notEnoughReplicas);

        assertThatThrownBy(() -> sending.get(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(KafkaException.class)
                .hasRootCause(notEnoughReplicas);
        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 41))).isFalse();
    }

    @Test
    void throwsAndRemembersNothingWhenTheProducerRefusesTheRecord() {
        FakeBroker broker = FakeBroker.acknowledgingAtOnce();
        broker.sendException = new RecordTooLargeException("the record is larger than max.request.size");
        DeadLetters deadLetters = deadLettersWritingTo(broker);

        assertThatThrownBy(() -> deadLetters.send(recordAt(3, 41), null, rejectedBy400()))
                .isInstanceOf(KafkaException.class);
        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 41))).isFalse();
    }

    @Test
    void remembersExactlyTheRecordsItDeadLettered() {
        DeadLetters deadLetters = deadLettersWritingTo(FakeBroker.acknowledgingAtOnce());

        deadLetters.send(recordAt(3, 41), null, rejectedBy400());

        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 41))).isTrue();
        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 40)))
                .as("another offset")
                .isFalse();
        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 42)))
                .as("another offset")
                .isFalse();
        assertThat(deadLetters.alreadyDeadLettered(recordAt(4, 41)))
                .as("another partition")
                .isFalse();
        assertThat(deadLetters.alreadyDeadLettered(recordOn("facts.engagement", 3, 41)))
                .as("another topic")
                .isFalse();
    }

    @Test
    void forgetsOnlyOffsetsBelowTheCommittedOneOnThatPartition() {
        DeadLetters deadLetters = deadLettersWritingTo(FakeBroker.acknowledgingAtOnce());
        for (ConsumerRecord<byte[], byte[]> record : List.of(
                recordAt(3, 40),
                recordAt(3, 41),
                recordAt(3, 42),
                recordAt(4, 40),
                recordOn("facts.engagement", 3, 40))) {
            deadLetters.send(record, null, rejectedBy400());
        }

        deadLetters.forgetBefore(new TopicPartition(FACTS, 3), 42);

        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 40))).isFalse();
        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 41))).isFalse();
        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 42)))
                .as("the committed offset")
                .isTrue();
        assertThat(deadLetters.alreadyDeadLettered(recordAt(4, 40)))
                .as("another partition")
                .isTrue();
        assertThat(deadLetters.alreadyDeadLettered(recordOn("facts.engagement", 3, 40)))
                .as("the same partition of another topic")
                .isTrue();
    }

    @Test
    void forgettingAPartitionItNeverDeadLetteredOnIsHarmless() {
        DeadLetters deadLetters = deadLettersWritingTo(FakeBroker.acknowledgingAtOnce());
        deadLetters.send(recordAt(3, 41), null, rejectedBy400());

        deadLetters.forgetBefore(new TopicPartition(FACTS, 5), 100);

        assertThat(deadLetters.alreadyDeadLettered(recordAt(3, 41))).isTrue();
    }

    private static DeadLetters deadLettersWritingTo(FakeBroker broker) {
        return new DeadLetters(new KafkaTemplate<>(new MockProducerFactory<>(() -> broker)), topic -> topic + "-dlt");
    }

    private static ConsumerRecord<byte[], byte[]> recordAt(int partition, long offset) {
        return recordOn(FACTS, partition, offset);
    }

    private static ConsumerRecord<byte[], byte[]> recordOn(String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", utf8("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        headers.add("fact-fingerprint", new byte[] {(byte) 0x9c, 0x00, (byte) 0xff, 0x10});
        headers.add("traceparent", utf8("a repeated name is kept too"));
        return new ConsumerRecord<>(
                topic,
                partition,
                offset,
                FIRST_FAILURE.minusSeconds(60).toEpochMilli(),
                TimestampType.CREATE_TIME,
                KEY.length,
                VALUE.length,
                KEY.clone(),
                VALUE.clone(),
                headers,
                Optional.empty());
    }

    /** PostHog refused the events of a team_created fact with a 400, on the third attempt. */
    private static FactRejectedException rejectedBy400() {
        return FactRejectedException.of(
                        FailureCategory.REJECTED_BY_POSTHOG,
                        "PostHog answered 400 to team_created,signup_completed: invalid distinct_id",
                        FIRST_FAILURE)
                .attempts(3, LAST_FAILURE)
                .factType("dev.tracking.schemas.onboarding.TeamCreated")
                .writerSchema("registry:42")
                .posthog(400, "team_created,signup_completed")
                .build();
    }

    /** Bytes that are no fact: no fact type, writer schema nor PostHog answer to report. */
    private static FactRejectedException unreadable() {
        return FactRejectedException.of(FailureCategory.DECODE, "unknown framing byte 0x7b", FIRST_FAILURE)
                .build();
    }

    private Future<?> onListenerThread(Runnable work) {
        FutureTask<Void> sending = new FutureTask<>(work, null);
        listener = new Thread(sending, "listener");
        listener.start();
        return sending;
    }

    /**
     * Once the write reached the broker, the listener thread either returns from {@code send} (wrongly, unacknowledged)
     * or parks until the acknowledgement comes. Waiting for one of the two makes the check that follows certain.
     */
    private void awaitListenerWaitingOrDone(Future<?> sending) {
        await("the listener thread waits for the acknowledgement or returns")
                .atMost(BOUND)
                .pollInterval(Duration.ofMillis(1))
                .until(() -> sending.isDone()
                        || listener.getState() == Thread.State.TIMED_WAITING
                        || listener.getState() == Thread.State.WAITING);
    }

    private static List<Header> originalHeadersOf(ProducerRecord<byte[], byte[]> deadLetter) {
        return StreamSupport.stream(deadLetter.headers().spliterator(), false)
                .filter(header ->
                        !header.key().startsWith("kafka_dlt-") && !header.key().startsWith("tracking_dlt-"))
                .toList();
    }

    private static List<String> headerNames(ProducerRecord<byte[], byte[]> deadLetter) {
        return StreamSupport.stream(deadLetter.headers().spliterator(), false)
                .map(Header::key)
                .toList();
    }

    private static byte[] header(ProducerRecord<byte[], byte[]> deadLetter, String name) {
        Header header = deadLetter.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return header.value();
    }

    private static String text(ProducerRecord<byte[], byte[]> deadLetter, String name) {
        return new String(header(deadLetter, name), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Kafka's {@link MockProducer} as the broker. It stays open: {@link KafkaTemplate} closes its producer after each
     * send (the real factory hands out close-safe producers), and a closed MockProducer refuses the next record. It
     * signals each record it receives, so a test can wait for the write without sleeping.
     */
    private static final class FakeBroker extends MockProducer<byte[], byte[]> {
        private final Semaphore received = new Semaphore(0);

        private FakeBroker(boolean autoComplete) {
            super(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        static FakeBroker acknowledgingAtOnce() {
            return new FakeBroker(true);
        }

        /** Acknowledges a write on {@link #completeNext()}, fails it on {@link #errorNext}. */
        static FakeBroker acknowledgingWhenTold() {
            return new FakeBroker(false);
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            Future<RecordMetadata> acknowledgement = super.send(record, callback);
            received.release();
            return acknowledgement;
        }

        @Override
        public void close(Duration timeout) {}

        void awaitWrite() throws InterruptedException {
            assertThat(received.tryAcquire(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                    .as("a write reached the broker")
                    .isTrue();
        }
    }
}
