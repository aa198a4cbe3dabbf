package dev.tracking.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Every released version of every fact schema, kept as resources {@code dev/tracking/schemas/history/<Record>/v<N>.avsc}
 * (self-contained: named types inlined).
 *
 * <p>Consumers use it to resolve the writer schema of a fact written by an older publisher; a test in this module fails
 * the build when the current schema is not recorded here or is not backward compatible with every earlier version. Run
 * {@code make schemas-snapshot} (this class's {@link #main}) after a compatible schema change to record the new
 * version.
 */
public final class SchemaHistory {
    private static final String ROOT = "dev/tracking/schemas/history/";

    private SchemaHistory() {}

    /** Released versions of one fact type, oldest first ({@code v1} at index 0). */
    public static List<Schema> versionsOf(Class<? extends SpecificRecordBase> type) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            String resource = ROOT + type.getSimpleName() + "/v" + v + ".avsc";
            try (InputStream in = SchemaHistory.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history " + resource, e);
            }
        }
    }

    /** Every released writer schema of every fact type, by fact type. */
    public static Map<Class<? extends SpecificRecordBase>, List<Schema>> all() {
        Map<Class<? extends SpecificRecordBase>, List<Schema>> all = new LinkedHashMap<>();
        for (Class<? extends SpecificRecordBase> type : FactFamily.allTypes()) {
            all.put(type, versionsOf(type));
        }
        return all;
    }

    /**
     * Why {@code reader} cannot read data written with each of {@code writers}: one line per problem, naming the
     * version, the field location and Avro's message. Empty when the reader is backward compatible with all of them.
     */
    public static List<String> incompatibilities(Schema reader, List<Schema> writers) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < writers.size(); i++) {
            SchemaCompatibility.SchemaPairCompatibility result =
                    SchemaCompatibility.checkReaderWriterCompatibility(reader, writers.get(i));
            for (SchemaCompatibility.Incompatibility problem :
                    result.getResult().getIncompatibilities()) {
                problems.add(reader.getName() + " cannot read v" + (i + 1) + ": " + problem.getType() + " at field '"
                        + fieldPath(reader, problem.getLocation()) + "': " + problem.getMessage());
            }
        }
        return problems;
    }

    /** Turns a compatibility location such as {@code /fields/6/type} into field names ({@code seats}). */
    private static String fieldPath(Schema reader, String location) {
        List<String> names = new ArrayList<>();
        Schema schema = reader;
        String[] parts = location.split("/");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("fields") && i + 1 < parts.length && schema.getType() == Schema.Type.RECORD) {
                Schema.Field field = schema.getFields().get(Integer.parseInt(parts[++i]));
                names.add(field.name());
                schema = field.schema();
            } else if (schema.getType() == Schema.Type.UNION && parts[i].matches("\\d+")) {
                schema = schema.getTypes().get(Integer.parseInt(parts[i]));
            }
        }
        return names.isEmpty() ? location : String.join(".", names);
    }

    /** The 64-bit Rabin fingerprint of a schema's canonical form, as Avro single-object encoding uses. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /**
     * Records the current schema of every fact type as a new version when it differs (by parsing form) from the latest
     * recorded one. Argument: the resources directory of this module.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SchemaHistory <schemas/src/main/resources>");
            System.exit(2);
        }
        Path root = Path.of(args[0]).resolve(ROOT);
        for (Class<? extends SpecificRecordBase> type : FactFamily.allTypes()) {
            Schema current = FactFamily.schemaOf(type);
            Path dir = root.resolve(type.getSimpleName());
            Files.createDirectories(dir);
            int next = 1;
            Schema latest = null;
            while (Files.exists(dir.resolve("v" + next + ".avsc"))) {
                latest = new Schema.Parser()
                        .parse(dir.resolve("v" + next + ".avsc").toFile());
                next++;
            }
            if (current.equals(latest)) {
                continue;
            }
            Path file = dir.resolve("v" + next + ".avsc");
            Files.writeString(file, current.toString(true) + "\n");
            System.out.println("recorded " + type.getSimpleName() + " as " + file);
        }
    }
}
