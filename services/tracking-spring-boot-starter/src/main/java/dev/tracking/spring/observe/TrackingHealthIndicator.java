package dev.tracking.spring.observe;

import dev.tracking.spring.outbox.OutboxStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component {@code tracking}: DOWN when the Kafka cluster does not answer within {@code
 * tracking.health.broker-timeout}, or when the oldest fact waiting in the outbox is older than {@code
 * tracking.outbox.stale-after}. Details: {@code broker} (cluster id and nodes, or the error), {@code lastSent}, {@code
 * lastFailure}, and with an outbox {@code outbox.pending}, {@code outbox.oldestPending}, {@code outbox.parked} and
 * {@code outbox.lastParked}. Parked facts do not make it DOWN (the facts behind them flow; they wait for a person):
 * they are shown here, logged at ERROR and counted.
 */
public final class TrackingHealthIndicator implements HealthIndicator, DisposableBean {
    private final Admin admin;
    private final Duration brokerTimeout;
    private final PublishActivity activity;
    private final Duration staleAfter;
    private final boolean outboxEnabled;
    private final Clock clock;

    public TrackingHealthIndicator(
            Map<String, Object> adminProperties,
            Duration brokerTimeout,
            PublishActivity activity,
            boolean outboxEnabled,
            Duration staleAfter,
            Clock clock) {
        this.admin = Admin.create(adminProperties);
        this.brokerTimeout = brokerTimeout;
        this.activity = activity;
        this.outboxEnabled = outboxEnabled;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        try {
            var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) brokerTimeout.toMillis()));
            String clusterId = cluster.clusterId().get(brokerTimeout.toMillis(), TimeUnit.MILLISECONDS);
            int nodes = cluster.nodes()
                    .get(brokerTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .size();
            health.withDetail("broker", Map.of("clusterId", clusterId, "nodes", nodes));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            health.down().withDetail("broker", "unreachable within " + brokerTimeout + ": " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            health.down().withDetail("broker", "interrupted");
        }
        Instant lastSent = activity.lastSent();
        health.withDetail("lastSent", lastSent == null ? "never" : lastSent.toString());
        PublishActivity.Failure failure = activity.lastFailure();
        if (failure != null) {
            health.withDetail("lastFailure", Map.of("at", failure.at().toString(), "error", failure.what()));
        }
        if (outboxEnabled) {
            outbox(health);
        }
        return health.build();
    }

    private void outbox(Health.Builder health) {
        OutboxStore.Stats stats = activity.outbox();
        if (stats == null) {
            health.withDetail("outbox", "not relayed yet");
            return;
        }
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("pending", stats.pending());
        details.put("parked", stats.parked());
        if (stats.oldestPending() != null) {
            details.put("oldestPending", stats.oldestPending().toString());
            Duration age = Duration.between(stats.oldestPending(), clock.instant());
            if (age.compareTo(staleAfter) > 0) {
                health.down();
                details.put(
                        "stale",
                        "the oldest waiting fact is " + age.toSeconds() + " s old (tracking.outbox.stale-after="
                                + staleAfter + ")");
            }
        }
        PublishActivity.Failure parked = activity.lastParked();
        if (parked != null) {
            details.put("lastParked", Map.of("at", parked.at().toString(), "fact", parked.what()));
        }
        health.withDetail("outbox", details);
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(5));
    }
}
