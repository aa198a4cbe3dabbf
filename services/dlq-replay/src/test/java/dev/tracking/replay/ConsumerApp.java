package dev.tracking.replay;

import dev.tracking.consumer.TrackingConsumerApplication;
import dev.tracking.testkit.posthog.FakePostHog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The real tracking consumer, in process, against a test broker and the fake PostHog, with fast test timings. */
final class ConsumerApp implements AutoCloseable {
    private final ConfigurableApplicationContext context;

    private ConsumerApp(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static ConsumerApp start(String bootstrapServers, FakePostHog posthog, String apiKey) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spring.kafka.bootstrap-servers", bootstrapServers);
        settings.put("spring.kafka.consumer.group-id", "replay-it-" + UUID.randomUUID());
        settings.put("spring.kafka.consumer.max-poll-records", "200");
        settings.put("tracking.posthog.host", posthog.baseUri().toString());
        settings.put("tracking.posthog.api-key", apiKey);
        settings.put("tracking.posthog.request-timeout", "2s");
        settings.put("tracking.delivery.retry.max-attempts", "2");
        settings.put("tracking.delivery.retry.initial-backoff", "20ms");
        settings.put("tracking.delivery.retry.max-backoff", "100ms");
        settings.put("tracking.delivery.outage.initial-backoff", "100ms");
        settings.put("tracking.delivery.outage.max-backoff", "300ms");
        settings.put("tracking.topics.partitions", "3");
        // the tests have PostHog refuse a dozen events of one partition: not a misconfiguration here
        settings.put("tracking.delivery.max-rejected-events", "50");
        settings.put("spring.kafka.listener.concurrency", "1");
        // the tool's slf4j-simple is bound here, not the consumer's Logback: Spring must not configure Logback
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        List<String> args = new ArrayList<>();
        settings.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new ConsumerApp(new SpringApplicationBuilder(TrackingConsumerApplication.class)
                .web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new)));
    }

    @Override
    public void close() {
        context.close();
    }
}
