package dev.tracking.consumer;

import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.posthog.FakePostHog;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * Starts and stops whole consumer applications by hand, for tests about restarts: each {@link #start} is a new
 * application (a restarted consumer) against the same broker, PostHog and state store.
 */
final class StandaloneConsumers implements AutoCloseable {
    private final EmbeddedKafkaBroker kafka;
    private final FakePostHog posthog;
    private final String apiKey;
    private final List<ConfigurableApplicationContext> running = new ArrayList<>();

    StandaloneConsumers(EmbeddedKafkaBroker kafka, FakePostHog posthog, String apiKey) {
        this.kafka = kafka;
        this.posthog = posthog;
        this.apiKey = apiKey;
    }

    /** A started single-node broker with every fact topic and dead-letter topic already created (3 partitions). */
    static EmbeddedKafkaBroker broker() {
        List<String> topics = new ArrayList<>();
        for (FactFamily family : FactFamily.values()) {
            topics.add(family.defaultTopic());
            topics.add(family.defaultTopic() + "-dlt");
        }
        return TestKafka.start(3, topics.toArray(String[]::new));
    }

    /** A consumer application with fast test timings and these extra settings. */
    ConfigurableApplicationContext start(Map<String, String> settings) {
        return start(settings, WebApplicationType.NONE);
    }

    /** As {@link #start(Map)}, serving its actuator on a free loopback port ({@link #baseUri}). */
    ConfigurableApplicationContext startServing(Map<String, String> settings) {
        Map<String, String> serving = new LinkedHashMap<>(settings);
        serving.put("server.port", "0");
        serving.put("server.address", "127.0.0.1");
        return start(serving, WebApplicationType.SERVLET);
    }

    /** Where a consumer started by {@link #startServing} answers. */
    static URI baseUri(ConfigurableApplicationContext context) {
        return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }

    private ConfigurableApplicationContext start(Map<String, String> settings, WebApplicationType web) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("spring.kafka.bootstrap-servers", kafka.getBrokersAsString());
        all.put("tracking.posthog.host", posthog.baseUri().toString());
        all.put("tracking.posthog.api-key", apiKey);
        all.put("tracking.posthog.request-timeout", "1s");
        all.put("tracking.delivery.retry.max-attempts", "2");
        all.put("tracking.delivery.retry.initial-backoff", "20ms");
        all.put("tracking.delivery.retry.max-backoff", "100ms");
        all.put("tracking.delivery.outage.initial-backoff", "100ms");
        all.put("tracking.delivery.outage.max-backoff", "300ms");
        all.put("tracking.topics.partitions", "3");
        all.put("spring.kafka.listener.concurrency", "2");
        all.put("logging.level.kafka", "error");
        all.put("logging.level.org.apache.kafka", "error");
        all.put("logging.level.state.change.logger", "error");
        all.putAll(settings);
        List<String> args = new ArrayList<>();
        all.forEach((key, value) -> args.add("--" + key + "=" + value));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TrackingConsumerApplication.class)
                .web(web)
                .run(args.toArray(String[]::new));
        running.add(context);
        return context;
    }

    @Override
    public void close() {
        running.forEach(ConfigurableApplicationContext::close);
        running.clear();
    }
}
