package dev.tracking.spring.it;

import dev.tracking.testkit.postgres.PostgresServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts instances of {@link SubscriptionsApplication} by hand against one PostgreSQL and one broker address, with
 * fast relay timings; closes them all at the end.
 */
final class ServiceInstances implements AutoCloseable {
    private final PostgresServer postgres;
    private final String bootstrapServers;
    private final List<ConfigurableApplicationContext> running = new ArrayList<>();

    ServiceInstances(PostgresServer postgres, String bootstrapServers) {
        this.postgres = postgres;
        this.bootstrapServers = bootstrapServers;
    }

    ConfigurableApplicationContext start(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("spring.datasource.url", postgres.jdbcUrl());
        all.put("spring.datasource.username", postgres.user());
        all.put("spring.datasource.hikari.maximum-pool-size", "4");
        all.put("spring.kafka.bootstrap-servers", bootstrapServers);
        all.put("tracking.outbox.poll-interval", "200ms");
        all.put("tracking.outbox.initial-backoff", "100ms");
        all.put("tracking.outbox.max-backoff", "1s");
        all.put("tracking.outbox.send-timeout", "3s");
        all.put("tracking.health.broker-timeout", "1s");
        all.put("management.endpoint.health.show-details", "always");
        all.put("logging.level.org.apache.kafka", "error");
        all.put("logging.level.kafka", "error");
        all.put("spring.main.banner-mode", "off");
        all.putAll(settings);
        List<String> args = new ArrayList<>();
        all.forEach((key, value) -> args.add("--" + key + "=" + value));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SubscriptionsApplication.class)
                .web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
        running.add(context);
        return context;
    }

    ConfigurableApplicationContext start() {
        return start(Map.of());
    }

    @Override
    public void close() {
        running.forEach(ConfigurableApplicationContext::close);
        running.clear();
    }
}
