package dev.tracking.posthogproject.declaration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.fixtures.FactFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * What the tracking plan lets a PostHog declaration name: events with their properties (and, for enum properties,
 * their values), person properties and group types with their properties.
 *
 * <p>Read from the consumer's golden files ({@code services/tracking-consumer/src/test/resources/golden/<Fact>.json}),
 * the events the real mapping produces for one fixture of every fact type ({@code MappingGoldenTest} keeps them
 * exact and complete), rather than from {@code docs/tracking-plan.md}, which is written by hand. A fixture shows one
 * value of each enum field; an event or group property named after that value ({@code github_connected} for provider
 * {@code GITHUB}) stands for one per symbol, so those names are expanded over the enum ({@code jira_connected},
 * {@code slack_connected}). Enum-typed fact fields give the values a property of the same name can take (lower case,
 * as the mapping writes them).
 */
final class TrackingPlanCatalogue {
    static final Path GOLDEN = Path.of("../../services/tracking-consumer/src/test/resources/golden");

    /** An event: the fact types that yield it, its properties, and the values of its enum properties. */
    record Event(String name, Set<String> factTypes, Set<String> properties, Map<String, Set<String>> values) {}

    final Map<String, Event> events = new TreeMap<>();
    final Set<String> personProperties = new TreeSet<>();
    final Map<String, Set<String>> groupProperties = new TreeMap<>();
    final Set<String> factTypes = new TreeSet<>();

    static TrackingPlanCatalogue read() {
        TrackingPlanCatalogue catalogue = new TrackingPlanCatalogue();
        ObjectMapper mapper = new ObjectMapper();
        Map<String, SpecificRecordBase> fixtures = FactFixtures.oneOfEachType();
        try (Stream<Path> files = Files.list(GOLDEN)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String factType = file.getFileName().toString().replace(".json", "");
                catalogue.factTypes.add(factType);
                SpecificRecordBase fixture = fixtures.get(factType);
                Schema schema = FactFamily.typeNamed(factType)
                        .map(FactFamily::schemaOf)
                        .orElseThrow(() -> new IllegalStateException(file + ": no fact type " + factType));
                for (JsonNode event : mapper.readTree(file.toFile())) {
                    catalogue.add(factType, schema, fixture, event);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the golden files in " + GOLDEN.toAbsolutePath(), e);
        }
        return catalogue;
    }

    private void add(String factType, Schema schema, SpecificRecordBase fixture, JsonNode event) {
        JsonNode properties = event.path("properties");
        for (String name : expand(event.path("event").asText(), schema, fixture)) {
            Event entry =
                    events.computeIfAbsent(name, n -> new Event(n, new TreeSet<>(), new TreeSet<>(), new TreeMap<>()));
            entry.factTypes().add(factType);
            properties.fieldNames().forEachRemaining(property -> {
                entry.properties().add(property);
                Set<String> symbols = enumValues(schema, property);
                if (!symbols.isEmpty()) {
                    entry.values().put(property, symbols);
                }
            });
        }
        for (String set : List.of("$set", "$set_once")) {
            properties.path(set).fieldNames().forEachRemaining(personProperties::add);
        }
        if (properties.has("$group_type")) {
            Set<String> group = groupProperties.computeIfAbsent(
                    properties.path("$group_type").asText(), g -> new TreeSet<>());
            properties.path("$group_set").fieldNames().forEachRemaining(p -> group.addAll(expand(p, schema, fixture)));
        }
    }

    /** {@code name}, and when one of its {@code _}-separated words is the fixture's value of an enum field, every variant. */
    private static Set<String> expand(String name, Schema schema, SpecificRecordBase fixture) {
        Set<String> names = new TreeSet<>(Set.of(name));
        List<String> words = Arrays.asList(name.split("_"));
        for (Schema.Field field : schema.getFields()) {
            Set<String> symbols = enumValues(schema, field.name());
            Object value = fixture.get(field.name());
            if (symbols.isEmpty() || !(value instanceof GenericEnumSymbol<?> || value instanceof Enum<?>)) {
                continue;
            }
            String word = value.toString().toLowerCase(Locale.ROOT);
            int at = words.indexOf(word);
            if (at < 0) {
                continue;
            }
            for (String symbol : symbols) {
                List<String> variant = new ArrayList<>(words);
                variant.set(at, symbol);
                names.add(String.join("_", variant));
            }
        }
        return names;
    }

    /** Lower-cased symbols of field {@code name} of the fact when it is an enum (or a nullable enum), else none. */
    static Set<String> enumValues(Schema schema, String name) {
        Schema.Field field = schema.getField(name);
        if (field == null) {
            return Set.of();
        }
        Schema type = field.schema();
        if (type.getType() == Schema.Type.UNION) {
            type = type.getTypes().stream()
                    .filter(t -> t.getType() != Schema.Type.NULL)
                    .findFirst()
                    .orElse(type);
        }
        if (type.getType() != Schema.Type.ENUM) {
            return Set.of();
        }
        Set<String> symbols = new TreeSet<>();
        type.getEnumSymbols().forEach(s -> symbols.add(s.toLowerCase(Locale.ROOT)));
        return symbols;
    }
}
