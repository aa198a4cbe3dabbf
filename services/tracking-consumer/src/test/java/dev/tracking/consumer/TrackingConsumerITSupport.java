package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.client.FactPublisher;
import dev.tracking.consumer.config.TopicsProperties;
import dev.tracking.consumer.consume.FactListener;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.GoldenEvents;
import dev.tracking.testkit.posthog.CapturedEvent;
import dev.tracking.testkit.posthog.FakePostHog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the consumer's integration tests: the whole Spring application against a real Kafka broker (embedded KRaft)
 * and a real HTTP server implementing PostHog's capture contract ({@link FakePostHog}), with short timeouts and
 * back-offs so failure scenarios finish quickly.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "tracking.posthog.request-timeout=1s",
            "tracking.posthog.batch-size=200",
            "tracking.delivery.retry.max-attempts=3",
            "tracking.delivery.retry.initial-backoff=20ms",
            "tracking.delivery.retry.max-backoff=200ms",
            "tracking.delivery.outage.initial-backoff=100ms",
            "tracking.delivery.outage.max-backoff=500ms",
            "tracking.delivery.circuit-breaker.open-duration=300ms",
            "tracking.topics.partitions=3",
            "spring.kafka.consumer.max-poll-records=200",
            "spring.kafka.listener.concurrency=2",
            "logging.level.kafka=error",
            "logging.level.org.apache.kafka=error",
            "logging.level.state.change.logger=error",
        })
@Import(TrackingConsumerITSupport.BrokerOfTheContext.class)
@DirtiesContext // each test class gets its own application, broker and PostHog; no state leaks between classes
@Timeout(120)
public abstract class TrackingConsumerITSupport {
    protected static final String API_KEY = "phc_integration_test";

    protected static FakePostHog posthog;

    /** This class's broker (see {@link TestKafka}), stopped with its application. */
    protected static EmbeddedKafkaBroker broker;

    @Autowired
    protected KafkaListenerEndpointRegistry listeners;

    @Autowired
    protected TopicsProperties topics;

    protected FactPublisher publisher;

    @BeforeAll
    static void startPostHog() {
        broker = TestKafka.start(3); // first: skips the class, with the reason, when the chosen broker cannot run
        posthog = FakePostHog.start(API_KEY);
    }

    /** Stops the broker when the application closes, after its consumers and producers, not before. */
    @TestConfiguration(proxyBeanMethods = false)
    static class BrokerOfTheContext {
        @Bean(destroyMethod = "destroy")
        EmbeddedKafkaBroker testBroker() {
            return broker;
        }
    }

    @AfterAll
    static void stopPostHog() {
        if (posthog != null) { // null when the class was skipped before it started
            posthog.close();
        }
    }

    @DynamicPropertySource
    static void postHogProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> broker.getBrokersAsString());
        registry.add("tracking.posthog.host", () -> posthog.baseUri().toString());
        registry.add("tracking.posthog.api-key", () -> API_KEY);
        String group = "it-" + UUID.randomUUID(); // once: a supplier that made a new one per lookup named no group
        registry.add("spring.kafka.consumer.group-id", () -> group);
    }

    @BeforeEach
    void openPublisher() {
        posthog.reset();
        publisher = TestPublishing.publisher(broker.getBrokersAsString());
    }

    @AfterEach
    void closePublisher() {
        publisher.close();
    }

    /**
     * Publishes facts in order and waits for Kafka's acknowledgements (see {@link TestPublishing}).
     *
     * @return where each fact landed
     */
    protected List<FactPublisher.Published> publish(SpecificRecord... facts) {
        return TestPublishing.publishAll(publisher, List.of(facts));
    }

    /** Waits until the listener's group has committed past every one of these records: the consumer is done with them. */
    protected void awaitCommittedPast(List<FactPublisher.Published> published) {
        Map<org.apache.kafka.common.TopicPartition, Long> needed = new HashMap<>();
        published.forEach(p -> needed.merge(
                new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()), p.offset() + 1, Math::max));
        String group = container().getGroupId();
        try (AdminClient admin =
                AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            await("offsets committed past every published fact")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> committed =
                                admin.listConsumerGroupOffsets(group)
                                        .partitionsToOffsetAndMetadata()
                                        .get();
                        return needed.entrySet().stream().allMatch(entry -> {
                            OffsetAndMetadata offset = committed.get(entry.getKey());
                            return offset != null && offset.offset() >= entry.getValue();
                        });
                    });
        }
    }

    /** Asserts that the listener's consumer group has committed no offset on any partition. */
    protected void assertNothingCommitted() throws Exception {
        String group = container().getGroupId();
        assertThat(group).as("the listener's consumer group").startsWith("it-");
        try (AdminClient admin =
                AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                            group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            assertThat(committed.values())
                    .as("committed offsets of %s", group)
                    .allSatisfy(offset -> assertThat(offset).isNull());
        }
    }

    /** Waits until PostHog has accepted at least {@code count} events. */
    protected void awaitEvents(String label, int count) {
        await(label).atMost(Duration.ofSeconds(60)).until(() -> posthog.eventCount() >= count);
    }

    /** Accepted events by uuid (the last copy wins). */
    protected static Map<String, CapturedEvent> byUuid(List<CapturedEvent> events) {
        Map<String, CapturedEvent> byUuid = new HashMap<>();
        events.forEach(event -> byUuid.put(event.uuid(), event));
        return byUuid;
    }

    /** The golden events of a fixture type, compact JSON. */
    protected static List<String> golden(String recordName) {
        return GoldenEvents.of(recordName);
    }

    protected MessageListenerContainer container() {
        return listeners.getListenerContainer(FactListener.ID);
    }

    /** The uuids of every PostHog event the facts map to (before milestone and group filtering). */
    protected static java.util.Set<String> uuidsOf(List<? extends SpecificRecord> facts) {
        java.util.Set<String> uuids = new java.util.LinkedHashSet<>();
        for (SpecificRecord fact : facts) {
            FactMapping.standard().map(fact).forEach(event -> uuids.add(event.uuid()));
        }
        return uuids;
    }

    /** Waits until PostHog has accepted an event with each of these uuids. */
    protected void awaitUuids(String label, java.util.Collection<String> uuids) {
        await(label)
                .atMost(Duration.ofSeconds(60))
                .until(() -> byUuid(posthog.events()).keySet().containsAll(uuids));
    }

    /** Every dead-letter topic. */
    protected List<String> deadLetterTopics() {
        return topics.sources().stream().map(topics::deadLetterTopicOf).toList();
    }

    /** A consumer of its own group that reads from the beginning and commits nothing. */
    private KafkaConsumer<byte[], byte[]> reader() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every record in these topics now (possibly none), read from the beginning. */
    protected List<ConsumerRecord<byte[], byte[]>> readAllNow(List<String> topicNames) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = reader()) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (String topic : topicNames) {
                consumer.partitionsFor(topic)
                        .forEach(p -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            await("read to the end of " + topicNames)
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                    });
        }
        return records;
    }

    /** Every record currently in {@code topic}, read from the beginning. */
    protected List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast) {
        return readAll(List.of(topic), atLeast);
    }

    /** Every record currently in these topics, read from the beginning; waits until there are {@code atLeast}. */
    protected List<ConsumerRecord<byte[], byte[]>> readAll(List<String> topicNames, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = reader()) {
            consumer.subscribe(topicNames);
            await("at least " + atLeast + " records in " + topicNames)
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                        return records.size() >= atLeast;
                    });
            // anything more that is already there
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
