package dev.tracking.consumer;

import dev.tracking.client.FactPublisher;
import dev.tracking.testkit.posthog.FakePostHog;
import dev.tracking.testkit.redis.RedisServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * The servers of a restart test, as a JUnit extension: per test class a real redis-server, a Kafka broker with every
 * fact topic and a PostHog capture server; per test a fresh {@link FactPublisher} and {@link StandaloneConsumers}
 * (closed after it). Skips the class, with the reason printed, when {@code redis-server} is not installed.
 *
 * <pre>{@code @RegisterExtension static final StandaloneStack stack = new StandaloneStack("phc_key");}</pre>
 */
final class StandaloneStack implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final String apiKey;
    private RedisServer redis;
    private EmbeddedKafkaBroker kafka;
    private FakePostHog posthog;
    private StandaloneConsumers consumers;
    private FactPublisher publisher;

    StandaloneStack(String apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = RedisServer.startOrSkip();
        kafka = StandaloneConsumers.broker();
        posthog = FakePostHog.start(apiKey);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!redis.isRunning()) {
            redis.restartOnSamePort();
        }
        posthog.reset();
        consumers = new StandaloneConsumers(kafka, posthog, apiKey);
        publisher = TestPublishing.publisher(kafka.getBrokersAsString());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        publisher.close();
        consumers.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (posthog != null) {
            posthog.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
        if (redis != null) {
            redis.close();
        }
    }

    RedisServer redis() {
        return redis;
    }

    EmbeddedKafkaBroker kafka() {
        return kafka;
    }

    FakePostHog posthog() {
        return posthog;
    }

    StandaloneConsumers consumers() {
        return consumers;
    }

    FactPublisher publisher() {
        return publisher;
    }
}
