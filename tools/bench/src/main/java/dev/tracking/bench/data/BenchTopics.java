package dev.tracking.bench.data;

import dev.tracking.schemas.FactFamily;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One set of source topics, one per fact family, named {@code <prefix>.<family default topic>} (for example {@code
 * bench-20260302-090000-data.facts.engagement}); the consumer is pointed at them with {@code tracking.topics.*} and
 * creates their {@code -dlt} topics itself.
 */
public record BenchTopics(String prefix, Map<FactFamily, String> byFamily) {

    public static BenchTopics named(String prefix) {
        Map<FactFamily, String> topics = new EnumMap<>(FactFamily.class);
        for (FactFamily family : FactFamily.values()) {
            topics.put(family, prefix + "." + family.defaultTopic());
        }
        return new BenchTopics(prefix, Map.copyOf(topics));
    }

    public Collection<String> names() {
        return List.copyOf(byFamily.values());
    }

    /** Creates the topics with {@code partitions} partitions each (replication factor 1: one broker). */
    public void create(Admin admin, int partitions) throws InterruptedException {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names()) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        await(admin.createTopics(topics).all(), "create topics " + names());
    }

    /**
     * Deletes every topic and consumer group whose name starts with {@code runPrefix} (source and dead-letter topics
     * of a run, and the groups of its relays).
     */
    public static void deleteAll(Admin admin, String runPrefix) throws InterruptedException {
        Set<String> all = await(admin.listTopics().names(), "list topics");
        List<String> ours =
                all.stream().filter(name -> name.startsWith(runPrefix)).toList();
        if (!ours.isEmpty()) {
            await(admin.deleteTopics(ours).all(), "delete topics " + ours);
        }
        List<String> groups = await(admin.listConsumerGroups().all(), "list consumer groups").stream()
                .map(ConsumerGroupListing::groupId)
                .filter(group -> group.startsWith(runPrefix))
                .toList();
        if (!groups.isEmpty()) {
            try {
                await(admin.deleteConsumerGroups(groups).all(), "delete consumer groups " + groups);
            } catch (IllegalStateException stillMembers) {
                // a relay killed a moment ago is a member until its session times out; its offsets are harmless
            }
        }
    }

    static <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) throws InterruptedException {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not " + what + " within 60 s");
        }
    }
}
