package dev.tracking.client;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * An embedded KRaft broker of one test class, with {@link KafkaTopics#PARTITIONS} partitions per topic: started before
 * its first test (within a minute), destroyed after its last. Each class registers its own:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedBroker kafka = new EmbeddedBroker();
 * }</pre>
 */
public final class EmbeddedBroker implements BeforeAllCallback, AfterAllCallback {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private EmbeddedKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = assertTimeoutPreemptively(
                STARTUP_TIMEOUT,
                () -> {
                    EmbeddedKafkaBroker started = new EmbeddedKafkaKraftBroker(1, KafkaTopics.PARTITIONS);
                    started.afterPropertiesSet();
                    return started;
                },
                "embedded broker started");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.destroy();
        }
    }

    /** The broker, for {@link KafkaTopics}. */
    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    /** {@code host:port} of the broker. */
    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }
}
