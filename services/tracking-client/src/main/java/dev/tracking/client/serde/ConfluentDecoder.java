package dev.tracking.client.serde;

import dev.tracking.client.registry.SchemaRegistryClient;
import dev.tracking.client.registry.SchemaRegistryException;
import dev.tracking.client.registry.SchemaRegistryUnavailableException;
import dev.tracking.schemas.FactFamily;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads values in the {@link ConfluentEncoding Confluent wire format} into the current generated fact classes, whatever
 * version of the schema the writer used (Avro schema resolution: an added field takes its default, a removed field is
 * skipped). For both framings use {@link ConfluentEncoding#decoder}.
 *
 * <p>The writer schema is fetched from the registry by the id in the value, once per id: ids are immutable, so the
 * resolved reader is cached for the life of the decoder and steady-state decoding makes no registry call.
 *
 * <p>Failures:
 *
 * <ul>
 *   <li>{@link UnknownWriterSchemaException}, {@link UndecodableFactException#writerSchema()} {@code
 *       registry-id:<id>}: the registry answered that it has no schema with that id (Confluent error 40403). It may
 *       have one later (registered late, a replica catching up), so "not found" is not cached: the next value with
 *       that id asks again;
 *   <li>{@link UndecodableFactException} (permanent: dead-letter the record), with {@code registry-id:<id>} when the
 *       framing names one: the framing is wrong, the schema is not Avro or not a fact type of the catalogue, the
 *       current class cannot read it, or the body is corrupt;
 *   <li>{@link SchemaRegistryUnavailableException} (retryable: retry the batch later, never dead-letter): the registry
 *       could not be asked for an id not seen before;
 *   <li>{@link SchemaRegistryException} (neither: the registry refused the request, e.g. 401 for wrong credentials,
 *       or a 404 without its "not found" error because the URL is not its API; a configuration problem, not a bad
 *       record).
 * </ul>
 *
 * Thread-safe.
 */
public final class ConfluentDecoder implements FactDecoder {
    private static final ThreadLocal<BinaryDecoder> REUSE = new ThreadLocal<>();
    private static final Map<String, Schema> CURRENT = FactFamily.allTypes().stream()
            .map(FactFamily::schemaOf)
            .collect(Collectors.toUnmodifiableMap(Schema::getFullName, Function.identity()));

    private final SchemaRegistryClient registry;
    private final Function<String, Schema> readerSchemas;
    private final Map<Integer, Resolved> byId = new ConcurrentHashMap<>();

    /** What an id resolved to: a reader, or why there is none (permanent, so cached too). */
    private record Resolved(Schema writer, DatumReader<SpecificRecord> reader, String problem) {}

    /** Reads into the current generated class of each fact type (the schemas jar on the classpath). */
    public ConfluentDecoder(SchemaRegistryClient registry) {
        this(registry, CURRENT::get);
    }

    /**
     * @param readerSchemas the reader schema for a writer schema's full name ({@code dev.tracking.facts.UserSignedUp}),
     *     or null when it is not a fact type; the reader schema must be that of a generated class
     */
    ConfluentDecoder(SchemaRegistryClient registry, Function<String, Schema> readerSchemas) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.readerSchemas = Objects.requireNonNull(readerSchemas, "readerSchemas");
    }

    @Override
    public SpecificRecord decode(String topic, byte[] value) {
        int id = checkedSchemaId(value);
        String reference = reference(id);
        Resolved resolved = resolve(id);
        if (resolved.problem() != null) {
            throw new UndecodableFactException(resolved.problem(), reference, null);
        }
        return read(resolved.reader(), value, reference);
    }

    /**
     * Reads a value as a generic record with the given reader schema (null: the writer's own schema), for tools that
     * inspect values and tests that read as an older or newer schema than the generated classes.
     *
     * @throws UndecodableFactException as {@link #decode}, also when {@code reader} cannot read the writer schema
     */
    public GenericRecord decodeGeneric(byte[] value, Schema reader) {
        int id = checkedSchemaId(value);
        String reference = reference(id);
        Resolved resolved = resolve(id);
        if (resolved.writer() == null) {
            throw new UndecodableFactException(resolved.problem(), reference, null);
        }
        Schema readWith = reader == null ? resolved.writer() : reader;
        String problem = incompatibility(resolved.writer(), readWith, reference);
        if (problem != null) {
            throw new UndecodableFactException(problem, reference, null);
        }
        return read(new GenericDatumReader<>(resolved.writer(), readWith, GenericData.get()), value, reference);
    }

    /** The writer schema registered with this id, fetched once (see the class documentation for failures). */
    public Optional<Schema> writerSchema(int id) {
        return Optional.ofNullable(resolve(id).writer());
    }

    private static int checkedSchemaId(byte[] value) {
        if (!ConfluentEncoding.matches(value)) {
            throw new UndecodableFactException(
                    "not in the Confluent wire format (expected magic byte 00 and a 4-byte schema id, got "
                            + SingleObjectEncoding.prefix(value) + (value == null ? "" : ", " + value.length + " bytes")
                            + ")",
                    null,
                    null);
        }
        return ConfluentEncoding.schemaId(value);
    }

    private static String reference(int id) {
        return WriterSchemaReference.registryId(id);
    }

    private Resolved resolve(int id) {
        Resolved resolved = byId.get(id);
        if (resolved != null) {
            return resolved;
        }
        // outside computeIfAbsent: the HTTP call must not hold a map lock; a racing thread may fetch the same id once
        Optional<String> text = registry.schemaById(id);
        if (text.isEmpty()) {
            // not cached: the schema may be registered later (or a replica catch up); each record asks again
            throw new UnknownWriterSchemaException(
                    "unknown writer schema " + reference(id) + ": schema registry " + registry.url()
                            + " has no schema with this id (yet)",
                    reference(id));
        }
        resolved = resolve(id, text.get());
        Resolved raced = byId.putIfAbsent(id, resolved);
        return raced != null ? raced : resolved;
    }

    private Resolved resolve(int id, String text) {
        Schema writer;
        try {
            writer = new Schema.Parser().parse(text);
        } catch (SchemaParseException | NullPointerException e) {
            return new Resolved(
                    null, null, "writer schema " + reference(id) + " is not an Avro schema: " + e.getMessage());
        }
        if (writer.getType() != Schema.Type.RECORD) {
            return new Resolved(
                    writer,
                    null,
                    "writer schema " + reference(id) + " is a " + writer.getType() + ", not a fact record");
        }
        Schema reader = readerSchemas.apply(writer.getFullName());
        if (reader == null) {
            return new Resolved(
                    writer,
                    null,
                    "writer schema " + reference(id) + " is " + writer.getFullName()
                            + ", not a fact type of the catalogue");
        }
        String problem = incompatibility(writer, reader, reference(id));
        if (problem != null) {
            return new Resolved(writer, null, problem);
        }
        return new Resolved(writer, new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader)), null);
    }

    private static String incompatibility(Schema writer, Schema reader, String reference) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        StringBuilder why = new StringBuilder();
        for (SchemaCompatibility.Incompatibility problem : result.getResult().getIncompatibilities()) {
            why.append(why.length() == 0 ? "" : "; ")
                    .append(problem.getType())
                    .append(" at ")
                    .append(problem.getLocation())
                    .append(": ")
                    .append(problem.getMessage());
        }
        return "writer schema " + reference + " (" + writer.getFullName() + ") cannot be read as "
                + reader.getFullName() + ": " + why;
    }

    private static <T> T read(DatumReader<T> reader, byte[] value, String reference) {
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(
                        value,
                        ConfluentEncoding.HEADER_LENGTH,
                        value.length - ConfluentEncoding.HEADER_LENGTH,
                        REUSE.get());
        REUSE.set(decoder);
        T record;
        try {
            record = reader.read(null, new BoundedDecoder(decoder));
        } catch (IOException | RuntimeException e) {
            throw new UndecodableFactException(
                    "corrupt Avro body for writer schema " + reference + ": " + e, reference, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new UndecodableFactException("trailing bytes after the body of " + reference, reference, null);
            }
        } catch (IOException e) {
            throw new UndecodableFactException(
                    "corrupt Avro body for writer schema " + reference + ": " + e, reference, e);
        }
        return record;
    }
}
