package dev.tracking.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * What the tool remembers, in a compacted Kafka topic ({@code tracking.replay-audit} unless overridden), never on local
 * disk, so any engineer's run sees every earlier one:
 *
 * <ul>
 *   <li>one audit record per executed replay, key {@code run/<replay id>}: who, when, filters and counts; written as
 *       {@code started} before the first record is sent and again as {@code finished} (or {@code interrupted}) at
 *       the end, so a run that died shows as {@code started};
 *   <li>one record per replayed dead letter, key {@code replayed/<source topic>/<partition>/<offset>} (the source
 *       record the dead letter stands for), written once the replayed record is acknowledged: a later run skips it as
 *       already replayed.
 * </ul>
 */
final class AuditLog {
    static final String DEFAULT_TOPIC = "tracking.replay-audit";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = "run/";
    private static final String REPLAYED = "replayed/";

    /** A replay run as audited; {@code counts} in the order written. */
    record Run(
            String replayId,
            String operator,
            String startedAt,
            String finishedAt,
            String state,
            String filters,
            int maxReplays,
            Integer rate,
            Map<String, Integer> counts) {

        ObjectNode json() {
            ObjectNode node = JSON.createObjectNode();
            node.put("kind", "run");
            node.put("replay_id", replayId);
            node.put("operator", operator);
            node.put("started_at", startedAt);
            node.put("finished_at", finishedAt);
            node.put("state", state);
            node.put("filters", filters);
            node.put("max_replays", maxReplays);
            if (rate != null) {
                node.put("rate", rate);
            }
            ObjectNode countNode = node.putObject("counts");
            counts.forEach(countNode::put);
            return node;
        }

        static Run of(JsonNode node) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            node.path("counts")
                    .properties()
                    .forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
            return new Run(
                    node.path("replay_id").asText(),
                    node.path("operator").asText(),
                    node.path("started_at").asText(null),
                    node.path("finished_at").asText(null),
                    node.path("state").asText(),
                    node.path("filters").asText(),
                    node.path("max_replays").asInt(),
                    node.has("rate") ? node.path("rate").asInt() : null,
                    counts);
        }
    }

    /** One dead letter replayed: by which run, when, and which dead-letter record it was. */
    record Replayed(String identity, String replayId, String at, String deadLetter) {}

    private final String topic;
    private final List<Run> runs;
    private final Map<String, Replayed> replayed;

    private AuditLog(String topic, List<Run> runs, Map<String, Replayed> replayed) {
        this.topic = topic;
        this.runs = runs;
        this.replayed = replayed;
    }

    /** The audit topic as it is now; empty when the topic does not exist yet. */
    static AuditLog read(KafkaAccess kafka, String topic) {
        if (!kafka.topics().contains(topic)) {
            return new AuditLog(topic, List.of(), Map.of());
        }
        Map<String, Run> runs = new LinkedHashMap<>();
        Map<String, Replayed> replayed = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(List.of(topic))) {
            if (record.key() == null || record.value() == null) {
                continue;
            }
            String key = new String(record.key(), StandardCharsets.UTF_8);
            JsonNode value;
            try {
                value = JSON.readTree(record.value());
            } catch (IOException e) {
                continue; // not ours
            }
            if (key.startsWith(RUN)) {
                runs.put(key, Run.of(value)); // the latest state of a run wins
            } else if (key.startsWith(REPLAYED)) {
                String identity = key.substring(REPLAYED.length());
                replayed.put(
                        identity,
                        new Replayed(
                                identity,
                                value.path("replay_id").asText(),
                                value.path("at").asText(),
                                value.path("dead_letter").asText()));
            }
        }
        return new AuditLog(topic, List.copyOf(runs.values()), replayed);
    }

    String topic() {
        return topic;
    }

    /** Runs in the order they started. */
    List<Run> runs() {
        return runs;
    }

    /** The replay of the source record {@code identity}, or null when it was never replayed. */
    Replayed replayOf(String identity) {
        return identity == null ? null : replayed.get(identity);
    }

    /** Writes (or updates) a run's audit record; the future completes on the broker's acknowledgement. */
    static Future<RecordMetadata> write(Producer<byte[], byte[]> producer, String topic, Run run) {
        return producer.send(record(topic, RUN + run.replayId(), run.json()));
    }

    /** Remembers that {@code letter} was replayed by {@code replayId}. */
    static Future<RecordMetadata> writeReplayed(
            Producer<byte[], byte[]> producer, String topic, DeadLetter letter, String replayId, String at) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", "replayed");
        node.put("replay_id", replayId);
        node.put("at", at);
        node.put("dead_letter", letter.reference());
        return producer.send(record(topic, REPLAYED + letter.identity(), node));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, ObjectNode value) {
        try {
            return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException("cannot render " + value, e);
        }
    }

    /** Every run, for {@code history --json}. */
    List<ObjectNode> runsAsJson() {
        List<ObjectNode> nodes = new ArrayList<>();
        runs.forEach(run -> nodes.add(run.json()));
        return nodes;
    }
}
