package dev.tracking.consumer.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Creates the missing source and dead-letter topics at start-up ({@code tracking.topics.create}), before consumption
 * starts, and logs each one created with its partitions and replication factor. It never changes an existing topic:
 * growing a topic's partitions would send a team's new facts to another partition than its unconsumed ones and break
 * per-team order (Spring Kafka's {@code KafkaAdmin} grows them, which is why it is not used here). Created topics take
 * the broker's defaults unless {@code tracking.topics.partitions} or {@code .replication-factor} say otherwise. A broker
 * that cannot be reached is logged, not fatal: the consumer keeps trying to consume.
 */
public final class TopicProvisioner implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_SECONDS = 30;

    private final Map<String, Object> adminConfig;
    private final TopicsProperties topics;

    public TopicProvisioner(Map<String, Object> adminConfig, TopicsProperties topics) {
        this.adminConfig = adminConfig;
        this.topics = topics;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Set<String> declared = new LinkedHashSet<>();
        for (String source : topics.sources()) {
            declared.add(source);
            declared.add(topics.deadLetterTopicOf(source));
        }
        try (Admin admin = Admin.create(adminConfig)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : declared) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(
                            name,
                            Optional.ofNullable(topics.partitions()),
                            Optional.ofNullable(topics.replicationFactor())));
                }
            }
            if (!missing.isEmpty()) {
                create(admin, missing);
            }
        } catch (ExecutionException | TimeoutException e) {
            log.error("could not check or create the topics {}: {}", declared, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void create(Admin admin, List<NewTopic> missing) throws InterruptedException {
        CreateTopicsResult result = admin.createTopics(missing);
        for (NewTopic topic : missing) {
            String name = topic.name();
            try {
                result.values().get(name).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                log.info(
                        "created topic {} with {} partitions and replication factor {}",
                        name,
                        result.numPartitions(name).get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                        result.replicationFactor(name).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    log.info("topic {} was created meanwhile by someone else; left as it is", name);
                } else {
                    log.error(
                            "could not create topic {}: {}", name, e.getCause().toString());
                }
            } catch (TimeoutException e) {
                log.error("creating topic {} got no answer within {} s", name, TIMEOUT_SECONDS);
            }
        }
    }
}
