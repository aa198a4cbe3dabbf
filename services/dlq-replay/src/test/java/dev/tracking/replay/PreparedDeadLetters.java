package dev.tracking.replay;

import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.consumer.deadletter.DeadLetters;
import dev.tracking.consumer.deadletter.FactRejectedException;
import dev.tracking.consumer.deadletter.FailureCategory;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.SignupMethod;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.facts.UserSignedUp;
import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.fixtures.FactFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * A set of dead letters of every category, written by the consumer's own {@link DeadLetters} (the writer the consumer
 * uses, so the tool reads exactly what it writes) to the dead-letter topics of topics named {@code <prefix>.<family>}:
 *
 * <table>
 *   <tr><th>source</th><th>key</th><th>category</th><th>fact</th><th>failed at</th></tr>
 *   <tr><td>engagement-0@10</td><td>team-a</td><td>decode (cause IllegalStateException)</td><td>random bytes</td><td>T</td></tr>
 *   <tr><td>engagement-1@11</td><td>team-a</td><td>mapping</td><td>DashboardViewed</td><td>T+1h</td></tr>
 *   <tr><td>subscriptions-0@20</td><td>team-b</td><td>validation</td><td>SubscriptionStarted</td><td>T+1h, written twice</td></tr>
 *   <tr><td>subscriptions-1@21</td><td>team-b</td><td>rejected-by-posthog 400</td><td>SubscriptionStarted</td><td>T+2h</td></tr>
 *   <tr><td>onboarding-0@30</td><td>user-u1</td><td>rejected-by-posthog 400, replayed 3 times</td><td>UserSignedUp</td><td>T+2h</td></tr>
 *   <tr><td>profiles-2@40</td><td>team-c</td><td>oversize 413</td><td>TeamProfileUpdated</td><td>T+3h</td></tr>
 * </table>
 *
 * Seven dead letters for six source records.
 */
final class PreparedDeadLetters {
    static final int RECORDS = 7;
    static final int SOURCE_RECORDS = 6;

    final String prefix;
    final Instant t;
    final Map<FactFamily, String> topics = new EnumMap<>(FactFamily.class);

    PreparedDeadLetters(String prefix, Instant t) {
        this.prefix = prefix;
        this.t = t;
        for (FactFamily family : FactFamily.values()) {
            topics.put(family, prefix + "." + family.key());
        }
    }

    /** The tool's environment for these topics. */
    Map<String, String> env(String bootstrapServers) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("TRACKING_REPLAY_AUDIT_TOPIC", prefix + ".replay-audit");
        env.put("USER", "on-call");
        topics.forEach((family, topic) -> env.put("TRACKING_TOPICS_" + family.name(), topic));
        return env;
    }

    String topic(FactFamily family) {
        return topics.get(family);
    }

    void write(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        DefaultKafkaProducerFactory<byte[], byte[]> factory =
                new DefaultKafkaProducerFactory<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            DeadLetters deadLetters = new DeadLetters(new KafkaTemplate<>(factory), source -> source + "-dlt");
            String engagement = topic(FactFamily.ENGAGEMENT);
            String subscriptions = topic(FactFamily.SUBSCRIPTIONS);
            String onboarding = topic(FactFamily.ONBOARDING);
            String profiles = topic(FactFamily.PROFILES);

            byte[] garbage = {0x13, 0x37, 0x00, (byte) 0xff, 0x42};
            deadLetters.send(
                    source(engagement, 0, 10, "team-a", garbage, new RecordHeaders()),
                    null,
                    FactRejectedException.of(FailureCategory.DECODE, "not a fact: unknown framing", t)
                            .cause(new IllegalStateException("unknown framing 0x13"))
                            .build());
            DashboardViewed view = new DashboardViewed(id("view"), t, "team-a", "user-a", null);
            deadLetters.send(
                    source(engagement, 1, 11, "team-a", encode(engagement, view), new RecordHeaders()),
                    null,
                    FactRejectedException.of(FailureCategory.MAPPING, "a bug in a mapper", t.plusSeconds(3600))
                            .factType("DashboardViewed")
                            .build());
            SubscriptionStarted negative =
                    new SubscriptionStarted(id("negative-seats"), t, "team-b", null, null, "team", -3);
            ConsumerRecord<byte[], byte[]> invalid =
                    source(subscriptions, 0, 20, "team-b", encode(subscriptions, negative), new RecordHeaders());
            FactRejectedException seatsNegative = FactRejectedException.of(
                            FailureCategory.VALIDATION, "seats is negative: -3", t.plusSeconds(3600))
                    .factType("SubscriptionStarted")
                    .build();
            deadLetters.send(invalid, null, seatsNegative);
            // a crash between the dead-letter write and the commit: the same record dead-lettered again
            new DeadLetters(new KafkaTemplate<>(factory), source -> source + "-dlt").send(invalid, null, seatsNegative);
            SubscriptionStarted refused =
                    new SubscriptionStarted(id("refused-plan"), t, "team-b", null, null, "enterprise", 40);
            deadLetters.send(
                    source(subscriptions, 1, 21, "team-b", encode(subscriptions, refused), new RecordHeaders()),
                    null,
                    rejected("subscription_started", t.plusSeconds(7200)));
            UserSignedUp signup = new UserSignedUp(
                    id("signup"), t, null, "user-u1", null, "u1@acme.example", null, SignupMethod.GITHUB);
            RecordHeaders replayedThrice = new RecordHeaders();
            replayedThrice.add("trace-id", "trace-u1".getBytes(StandardCharsets.UTF_8));
            replayedThrice.add(ReplayHeaders.COUNT, "3".getBytes(StandardCharsets.UTF_8));
            deadLetters.send(
                    source(onboarding, 0, 30, "user-u1", encode(onboarding, signup), replayedThrice),
                    null,
                    rejected("user_signed_up", t.plusSeconds(7200)));
            TeamProfileUpdated renamed = new TeamProfileUpdated(id("renamed"), t, "team-c", null, null, "C", 3);
            deadLetters.send(
                    source(profiles, 2, 40, "team-c", encode(profiles, renamed), new RecordHeaders()),
                    null,
                    FactRejectedException.of(
                                    FailureCategory.OVERSIZE,
                                    "team_profile_updated is 2000000 bytes",
                                    t.plusSeconds(10800))
                            .factType("TeamProfileUpdated")
                            .posthog(413, "team_profile_updated")
                            .build());
        } finally {
            factory.destroy();
        }
    }

    private FactRejectedException rejected(String event, Instant at) {
        return FactRejectedException.of(
                        FailureCategory.REJECTED_BY_POSTHOG, "PostHog answered 400 to " + event, at.minusSeconds(60))
                .attempts(2, at)
                .factType(event.equals("user_signed_up") ? "UserSignedUp" : "SubscriptionStarted")
                .posthog(400, event)
                .build();
    }

    private String id(String name) {
        return FactFixtures.factId(prefix + "-" + name);
    }

    private static byte[] encode(String topic, SpecificRecordBase fact) {
        return SingleObjectEncoding.encoder().encode(topic, fact);
    }

    private ConsumerRecord<byte[], byte[]> source(
            String topic, int partition, long offset, String key, byte[] value, RecordHeaders headers) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(
                topic,
                partition,
                offset,
                t.toEpochMilli() - 1000,
                TimestampType.CREATE_TIME,
                keyBytes.length,
                value.length,
                keyBytes,
                value,
                headers,
                Optional.empty());
    }
}
