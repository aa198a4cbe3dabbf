package dev.tracking.replay;

import dev.tracking.client.cli.KafkaConfigOption;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where Kafka is, how to authenticate to it ({@code --kafka-config} and the {@code KAFKA_SECURITY_*}, {@code
 * KAFKA_SASL_*}, {@code KAFKA_SSL_*} variables), how long to wait for it, and the audit topic; every command takes them.
 */
final class ConnectionOptions {
    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description = "Kafka; default: KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092")
    String bootstrapServers;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5s",
            converter = Durations.Converter.class,
            description = "longest wait for Kafka before exit 3 (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(
            names = "--audit-topic",
            paramLabel = "TOPIC",
            description = "where replays are audited and remembered; default: TRACKING_REPLAY_AUDIT_TOPIC, else "
                    + AuditLog.DEFAULT_TOPIC)
    String auditTopic;

    @Mixin
    KafkaConfigOption kafkaConfig;
}
