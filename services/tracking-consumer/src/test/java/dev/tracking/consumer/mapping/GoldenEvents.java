package dev.tracking.consumer.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.consumer.config.DedupProperties;
import dev.tracking.consumer.dedup.InMemoryDedupStore;
import dev.tracking.consumer.dedup.StateFilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The expected PostHog events of each fixture fact, kept as {@code golden/<RecordName>.json} (an array of event
 * objects). Shared by the golden mapping test and the end-to-end integration test.
 */
public final class GoldenEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenEvents() {}

    /** Expected events of a fact type, as compact JSON strings in order, or null when no golden file exists. */
    public static List<String> of(String recordName) {
        try (InputStream in = GoldenEvents.class.getResourceAsStream("/golden/" + recordName + ".json")) {
            if (in == null) {
                return null;
            }
            List<String> events = new ArrayList<>();
            for (JsonNode event : JSON.readTree(in)) {
                events.add(JSON.writeValueAsString(event));
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the consumer sends for a fact seen for the first time: mapping, then milestone and group filtering. */
    public static List<String> actual(SpecificRecord fact) {
        StateFilter fresh = new StateFilter(
                new InMemoryDedupStore(Duration.ofDays(7), 1000, Clock.systemUTC()),
                DedupProperties.OnUnavailable.PAUSE);
        return fresh.filter(FactMapping.standard().map(fact)).events().stream()
                .map(PostHogEvent::jsonText)
                .toList();
    }

    /** Rewrites a golden file from the current output (run with {@code -Dgolden.update=true}, then review the diff). */
    static void write(String recordName, List<String> events) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String event : events) {
            nodes.add(JSON.readTree(event));
        }
        Path file = Path.of("src/test/resources/golden", recordName + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(nodes) + "\n");
    }
}
