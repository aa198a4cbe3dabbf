package dev.tracking.bench.run;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** What the benchmark asks the broker: topics, and how far a relay's consumer group has committed. */
public final class KafkaProbe implements AutoCloseable {
    private final Admin admin;

    public KafkaProbe(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "bench-probe");
        this.admin = Admin.create(properties);
    }

    public Admin admin() {
        return admin;
    }

    /** Records of {@code topics} not yet committed by {@code group} (all of them before its first commit). */
    public long lag(String group, Collection<String> topics) throws InterruptedException {
        List<TopicPartition> partitions = partitions(topics);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                get(admin.listOffsets(latest).all());
        Map<TopicPartition, OffsetAndMetadata> committed =
                get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        long lag = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            lag += ends.get(partition).offset() - (offset == null ? 0 : offset.offset());
        }
        return lag;
    }

    /**
     * Waits until {@code group} is stable with every partition of {@code topics} assigned (the relay polls them).
     *
     * @return whether it happened within {@code timeout}
     */
    public boolean awaitAssigned(String group, Collection<String> topics, Duration timeout)
            throws InterruptedException {
        int wanted = partitions(topics).size();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ConsumerGroupDescription description;
            try {
                description = get(admin.describeConsumerGroups(List.of(group))
                        .describedGroups()
                        .get(group));
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                Thread.sleep(250); // the relay has not joined yet
                continue;
            }
            int assigned = description.members().stream()
                    .mapToInt(member -> member.assignment().topicPartitions().size())
                    .sum();
            if (description.groupState() == GroupState.STABLE && assigned >= wanted) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private List<TopicPartition> partitions(Collection<String> topics) throws InterruptedException {
        Map<String, TopicDescription> descriptions =
                get(admin.describeTopics(topics).allTopicNames());
        return descriptions.values().stream()
                .flatMap(topic -> topic.partitions().stream()
                        .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                .toList();
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws InterruptedException {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer within 30 s");
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
