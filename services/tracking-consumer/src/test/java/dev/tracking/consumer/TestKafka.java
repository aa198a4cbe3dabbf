package dev.tracking.consumer;

import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;

/**
 * The broker of the consumer's integration tests, chosen by one switch: {@code TRACKING_IT_KAFKA} (or the system
 * property {@code tracking.it.kafka}) {@code embedded}, the default, runs spring-kafka-test's in-process KRaft broker;
 * {@code container} runs {@value #IMAGE} (the image {@code docker-compose.yml} uses) through Testcontainers. Without a
 * Docker engine, {@code container} skips the test with the reason printed. Either way the test gets a started broker
 * with the topics asked for.
 */
final class TestKafka {
    /** The image of {@code docker-compose.yml}'s {@code kafka} service ({@code ComposeStackTest} keeps them equal). */
    static final String IMAGE = "apache/kafka:4.1.1";

    static final String SWITCH = "TRACKING_IT_KAFKA";

    private TestKafka() {}

    /** A started single-node broker with these topics, {@code partitions} each (and as the broker's default). */
    static EmbeddedKafkaBroker start(int partitions, String... topics) {
        EmbeddedKafkaBroker broker = switch (choice()) {
            case "embedded" -> new EmbeddedKafkaKraftBroker(1, partitions, topics);
            case "container" -> {
                if (!DockerClientFactory.instance().isDockerAvailable()) {
                    String reason = SWITCH + "=container but no Docker engine answers here: skipping this test (unset "
                            + SWITCH + " to run it against the embedded broker)";
                    System.err.println(reason);
                    Assumptions.abort(reason);
                }
                yield new ContainerKafkaBroker(IMAGE, partitions, topics);
            }
            default ->
                throw new IllegalArgumentException(
                        SWITCH + "=" + choice() + " is not a broker kind: use embedded (the default) or container");
        };
        broker.afterPropertiesSet();
        return broker;
    }

    private static String choice() {
        String chosen = System.getProperty("tracking.it.kafka", System.getenv(SWITCH));
        return chosen == null || chosen.isBlank() ? "embedded" : chosen.trim().toLowerCase(Locale.ROOT);
    }
}
