package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.client.cli.FactCli;
import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.testkit.posthog.CapturedEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fact file whose lines leave out {@code event_id} and {@code occurred_at}, published twice with the command line
 * (as after a partial failure), reaches PostHog once: the second run repeats the first run's facts and the consumer
 * drops them.
 */
class PublishFileTwiceIT extends TrackingConsumerITSupport {
    /** Facts of four families, none with an id or a time. */
    private static final List<String> FACT_LINES = List.of(
            "{\"type\": \"UserSignedUp\", \"user_id\": \"user-alice\", \"email\": \"alice@acme.example\","
                    + " \"method\": \"GITHUB\"}",
            "{\"type\": \"SubscriptionStarted\", \"team_id\": \"acme\", \"user_id\": null, \"plan\": \"business\","
                    + " \"seats\": 12}",
            "{\"type\": \"TeamMemberInvited\", \"team_id\": \"acme\", \"user_id\": \"user-alice\", \"role\": \"MEMBER\"}",
            "{\"type\": \"PrListExported\", \"team_id\": \"acme\", \"user_id\": \"user-bob\", \"format\": \"CSV\","
                    + " \"row_count\": 250}");

    private final FactDecoder decoder = SingleObjectEncoding.decoder();

    @Test
    void publishingTheSameFileTwiceDeliversEveryPostHogEventOnce(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("facts.jsonl"), FACT_LINES, StandardCharsets.UTF_8);

        publishFile(file, "first run");
        publishFile(file, "second run");

        List<ConsumerRecord<byte[], byte[]>> records = readAllNow(topics.sources());
        List<SpecificRecord> published = records.stream()
                .map(record -> decoder.decode(record.topic(), record.value()))
                .toList();
        assertThat(published).as("facts of both runs").hasSize(2 * FACT_LINES.size());
        Set<SpecificRecord> distinct = new LinkedHashSet<>(published);
        assertThat(distinct).as("the second run repeated the first").hasSize(FACT_LINES.size());
        Set<String> expected = uuidsOf(List.copyOf(distinct));
        awaitUuids("every event of the file reached PostHog", expected);
        awaitCommitted("the consumer committed both runs", records);

        assertThat(posthog.events())
                .extracting(CapturedEvent::uuid)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(posthog.duplicatesByIdentity())
                .as("events that arrived twice")
                .isEmpty();
    }

    /** Runs {@code fact-cli publish file} against the embedded broker (default topics) and expects exit 0. */
    private void publishFile(Path file, String label) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = FactCli.run(
                new String[] {"publish", file.toString()},
                Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.getBrokersAsString()),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit)
                .as(
                        "exit of the %s; printed:%n%s%s",
                        label, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8))
                .isZero();
    }

    /** Waits until the consumer group has committed past every one of {@code records}. */
    private void awaitCommitted(String label, List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, Long> ends = records.stream()
                .collect(Collectors.toMap(
                        record -> new TopicPartition(record.topic(), record.partition()),
                        record -> record.offset() + 1,
                        Math::max));
        // the group as the container has it: the support class's group-id is a supplier, new at every lookup
        String group = container().getGroupId();
        try (AdminClient admin =
                AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            await(label).atMost(Duration.ofSeconds(60)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                return ends.entrySet().stream()
                        .allMatch(end -> committed.get(end.getKey()) != null
                                && committed.get(end.getKey()).offset() >= end.getValue());
            });
        }
    }
}
