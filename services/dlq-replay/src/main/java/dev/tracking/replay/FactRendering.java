package dev.tracking.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.header.Header;

/** A dead letter as readable JSON: where it came from, why it failed, its key, every header and its fact. */
final class FactRendering {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FactRendering() {}

    static ObjectNode render(DeadLetterScan.Matched matched) {
        DeadLetter letter = matched.letter();
        ObjectNode node = NODES.objectNode();
        node.put("dead_letter", letter.coordinates());
        node.put("dead_lettered_at", letter.timestamp().toString());
        if (letter.hasSource()) {
            node.put("source", letter.sourceTopic() + "-" + letter.sourcePartition() + "@" + letter.sourceOffset());
        }
        node.put("category", letter.category());
        node.put("fact_type", matched.type());
        node.put("replay_count", letter.replayCount());
        node.set("key", bytes(letter.key()));
        ObjectNode headers = node.putObject("dead_letter_headers");
        letter.deadLetterHeaders().forEach((name, value) -> headers.set(name, headerValue(name, value)));
        ArrayNode original = node.putArray("original_headers");
        for (Header header : letter.originalHeaders()) {
            ObjectNode entry = original.addObject();
            entry.put("key", header.key());
            entry.set("value", bytes(header.value()));
        }
        if (matched.fact() != null) {
            node.set("fact", value(matched.fact()));
        } else {
            node.put("decode_error", matched.decodeError());
            node.put("value_base64", letter.value() == null ? null : base64(letter.value()));
        }
        return node;
    }

    /** Spring's numeric headers are big-endian binary: shown as numbers; the rest as text (base64 if not text). */
    private static JsonNode headerValue(String name, byte[] value) {
        if (value != null && name.startsWith("kafka_dlt-original-")) {
            if (value.length == 4 && name.endsWith("partition")) {
                return NODES.numberNode(ByteBuffer.wrap(value).getInt());
            }
            if (value.length == 8 && name.endsWith("timestamp")) {
                return NODES.textNode(
                        Instant.ofEpochMilli(ByteBuffer.wrap(value).getLong()).toString());
            }
            if (value.length == 8) {
                return NODES.numberNode(ByteBuffer.wrap(value).getLong());
            }
        }
        if (value != null && name.endsWith("-stacktrace")) {
            // the exception and its causes, without the frames
            String trace = new String(value, StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.startsWith("\t") && !line.isBlank())
                    .collect(java.util.stream.Collectors.joining("\n"));
            return NODES.textNode(trace);
        }
        return bytes(value);
    }

    /** Text when the bytes are UTF-8 text, else {@code {"base64": ...}}. */
    static JsonNode bytes(byte[] value) {
        if (value == null) {
            return NODES.nullNode();
        }
        String text = Bytes.utf8OrNull(value);
        if (text != null) {
            return NODES.textNode(text);
        }
        ObjectNode node = NODES.objectNode();
        node.put("base64", base64(value));
        return node;
    }

    private static String base64(byte[] value) {
        return Base64.getEncoder().encodeToString(value);
    }

    private static JsonNode value(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof IndexedRecord record) {
            ObjectNode node = NODES.objectNode();
            for (Schema.Field field : record.getSchema().getFields()) {
                node.set(field.name(), value(record.get(field.pos())));
            }
            return node;
        }
        if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof GenericContainer) {
            return NODES.textNode(value.toString());
        }
        if (value instanceof Instant || value instanceof java.time.temporal.TemporalAccessor) {
            return NODES.textNode(value.toString());
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Float f) {
            return NODES.numberNode(f);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes(bytes);
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = NODES.objectNode();
            map.forEach((k, v) -> node.set(String.valueOf(k), value(v)));
            return node;
        }
        if (value instanceof Collection<?> list) {
            ArrayNode node = NODES.arrayNode();
            list.forEach(item -> node.add(value(item)));
            return node;
        }
        return NODES.textNode(value.toString());
    }
}
