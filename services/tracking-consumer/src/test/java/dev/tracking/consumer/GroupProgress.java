package dev.tracking.consumer;

import static org.awaitility.Awaitility.await;

import dev.tracking.schemas.FactFamily;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's committed offsets against the end offsets of the fact topics, read with an {@link Admin} client.
 *
 * <p>The consumer commits a record only once it was delivered, dead-lettered or skipped as a duplicate, and commits
 * after PostHog answered. So once the group has committed every fact topic partition up to its end ({@link
 * #awaitCaughtUp}), every record published before is settled, and what PostHog holds then is all it will get from
 * them: the positive signal to wait for before asserting that something was <em>not</em> sent.
 */
final class GroupProgress implements AutoCloseable {
    private static final long ADMIN_TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final String group;
    private final List<String> topics;

    private GroupProgress(String bootstrapServers, String group, List<String> topics) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.group = group;
        this.topics = topics;
    }

    /** The progress of {@code group} through every fact topic (the default topic of each {@link FactFamily}). */
    static GroupProgress of(String bootstrapServers, String group) {
        return of(
                bootstrapServers,
                group,
                Arrays.stream(FactFamily.values()).map(FactFamily::defaultTopic).toList());
    }

    /** The progress of {@code group} through {@code topics}. */
    static GroupProgress of(String bootstrapServers, String group, Collection<String> topics) {
        return new GroupProgress(bootstrapServers, group, List.copyOf(topics));
    }

    /** The end offset of every partition of the topics now (the offset the next record will get). */
    Map<TopicPartition, Long> endOffsets() {
        try {
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            described
                    .values()
                    .forEach(topic -> topic.partitions()
                            .forEach(p ->
                                    latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, Long> offsets = new TreeMap<>(GroupProgress::byName);
            ends.forEach((partition, info) -> offsets.put(partition, info.offset()));
            return offsets;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the end offsets of " + topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The group's committed offsets (partitions it never committed are absent). */
    Map<TopicPartition, Long> committed() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, Long> offsets = new TreeMap<>(GroupProgress::byName);
            committed.forEach((partition, offset) -> {
                if (offset != null) {
                    offsets.put(partition, offset.offset());
                }
            });
            return offsets;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the committed offsets of " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until the group has committed every partition of the topics up to the end offset it has now: every record
     * published before this call is settled. On time-out, names the partitions still behind.
     */
    void awaitCaughtUp(String label, Duration atMost) {
        Map<TopicPartition, Long> ends = endOffsets();
        await(label).atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> behind(ends), Map::isEmpty);
    }

    /** Each partition whose committed offset is below {@code ends}, as {@code committed X of N}. */
    private Map<TopicPartition, String> behind(Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> committed = committed();
        Map<TopicPartition, String> behind = new TreeMap<>(GroupProgress::byName);
        ends.forEach((partition, end) -> {
            Long at = committed.get(partition);
            if (end > (at == null ? 0 : at)) {
                behind.put(partition, "committed " + (at == null ? "nothing" : at) + " of " + end);
            }
        });
        return behind;
    }

    /**
     * Makes the group start at the current end of every topic (it must have no members): a new group of a scenario
     * then reads only what is published after this call, not what earlier scenarios left on the same broker.
     */
    void startAtTheEnd() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        endOffsets().forEach((partition, end) -> offsets.put(partition, new OffsetAndMetadata(end)));
        try {
            admin.alterConsumerGroupOffsets(group, offsets).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not set the offsets of " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    private static int byName(TopicPartition a, TopicPartition b) {
        int topic = a.topic().compareTo(b.topic());
        return topic != 0 ? topic : Integer.compare(a.partition(), b.partition());
    }
}
