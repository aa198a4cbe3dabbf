package dev.tracking.consumer;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.testcontainers.kafka.KafkaContainer;

/**
 * An {@link EmbeddedKafkaBroker} that is an {@code apache/kafka} container (Testcontainers), so that tests written for
 * spring-kafka-test's in-process broker run unchanged against the image production uses. See {@link TestKafka}.
 */
final class ContainerKafkaBroker implements EmbeddedKafkaBroker {
    private final KafkaContainer container;
    private final int partitions;
    private final Set<String> topics = Collections.synchronizedSet(new LinkedHashSet<>());
    private int adminTimeoutSeconds = 30;

    ContainerKafkaBroker(String image, int partitions, String... topics) {
        this.container = new KafkaContainer(image)
                .withEnv("KAFKA_NUM_PARTITIONS", String.valueOf(partitions))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true");
        this.partitions = partitions;
        this.topics.addAll(Arrays.asList(topics));
    }

    @Override
    public void afterPropertiesSet() {
        container.start();
        Map<String, Exception> failed = addTopicsWithResults(topics.toArray(String[]::new));
        failed.values().removeIf(java.util.Objects::isNull);
        if (!failed.isEmpty()) {
            throw new IllegalStateException(
                    "could not create topics in " + container.getDockerImageName() + ": " + failed);
        }
    }

    @Override
    public void destroy() {
        container.stop();
    }

    @Override
    public String getBrokersAsString() {
        return container.getBootstrapServers();
    }

    @Override
    public Set<String> getTopics() {
        return Set.copyOf(topics);
    }

    @Override
    public int getPartitionsPerTopic() {
        return partitions;
    }

    @Override
    public void addTopics(String... names) {
        throwIfFailed(addTopicsWithResults(names));
    }

    @Override
    public void addTopics(NewTopic... newTopics) {
        throwIfFailed(addTopicsWithResults(newTopics));
    }

    @Override
    public Map<String, Exception> addTopicsWithResults(String... names) {
        return addTopicsWithResults(Arrays.stream(names)
                .map(name -> new NewTopic(name, partitions, (short) 1))
                .toArray(NewTopic[]::new));
    }

    @Override
    public Map<String, Exception> addTopicsWithResults(NewTopic... newTopics) {
        Map<String, Exception> results = new LinkedHashMap<>();
        if (newTopics.length == 0) {
            return results;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, getBrokersAsString()))) {
            var created = admin.createTopics(List.of(newTopics)).values();
            created.forEach((name, future) -> {
                try {
                    future.get(adminTimeoutSeconds, TimeUnit.SECONDS);
                    topics.add(name);
                    results.put(name, null);
                } catch (ExecutionException e) {
                    results.put(name, (Exception) e.getCause());
                } catch (TimeoutException e) {
                    results.put(name, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    results.put(name, e);
                }
            });
        }
        return results;
    }

    private static void throwIfFailed(Map<String, Exception> results) {
        results.forEach((name, failure) -> {
            if (failure != null) {
                throw new IllegalStateException("could not create topic " + name, failure);
            }
        });
    }

    @Override
    public EmbeddedKafkaBroker kafkaPorts(int... ports) {
        throw unsupported("fixed ports (the container's port is mapped to a free one)");
    }

    @Override
    public EmbeddedKafkaBroker brokerProperties(Map<String, String> properties) {
        properties.forEach((key, value) -> container.withEnv(
                "KAFKA_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'), value));
        return this;
    }

    @Override
    public EmbeddedKafkaBroker brokerListProperty(String property) {
        System.setProperty(property, getBrokersAsString());
        return this;
    }

    @Override
    public EmbeddedKafkaBroker adminTimeout(int seconds) {
        this.adminTimeoutSeconds = seconds;
        return this;
    }

    @Override
    public void consumeFromEmbeddedTopics(Consumer<?, ?> consumer, boolean seekToEnd, String... names) {
        subscribe(consumer, seekToEnd, List.of(names));
    }

    @Override
    public void consumeFromEmbeddedTopics(Consumer<?, ?> consumer, String... names) {
        subscribe(consumer, false, List.of(names));
    }

    @Override
    public void consumeFromAnEmbeddedTopic(Consumer<?, ?> consumer, boolean seekToEnd, String topic) {
        subscribe(consumer, seekToEnd, List.of(topic));
    }

    @Override
    public void consumeFromAnEmbeddedTopic(Consumer<?, ?> consumer, String topic) {
        subscribe(consumer, false, List.of(topic));
    }

    @Override
    public void consumeFromAllEmbeddedTopics(Consumer<?, ?> consumer, boolean seekToEnd) {
        subscribe(consumer, seekToEnd, List.copyOf(topics));
    }

    @Override
    public void consumeFromAllEmbeddedTopics(Consumer<?, ?> consumer) {
        subscribe(consumer, false, List.copyOf(topics));
    }

    /** Subscribes and polls until partitions are assigned, as the in-process broker's helpers do. */
    private static void subscribe(Consumer<?, ?> consumer, boolean seekToEnd, List<String> names) {
        consumer.subscribe(names);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (consumer.assignment().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no partition of " + names + " assigned within 60 s");
            }
            consumer.poll(Duration.ofMillis(100));
        }
        if (seekToEnd) {
            consumer.seekToEnd(consumer.assignment());
        } else {
            consumer.seekToBeginning(consumer.assignment());
        }
    }

    private static UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException("a Kafka container does not support " + what);
    }
}
