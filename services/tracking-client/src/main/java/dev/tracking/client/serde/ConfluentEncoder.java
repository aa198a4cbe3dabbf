package dev.tracking.client.serde;

import dev.tracking.client.registry.SchemaRegistryClient;
import dev.tracking.client.registry.SchemaRegistryException;
import dev.tracking.client.registry.SchemaRegistryUnavailableException;
import dev.tracking.client.registry.SubjectNameStrategy;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes records in the {@link ConfluentEncoding Confluent wire format}, the schema registered under the subject its
 * {@link SubjectNameStrategy} names.
 *
 * <p>The first record of a schema on a topic costs one registry call: with auto-registration (the default, as
 * Confluent's serializer) {@code POST /subjects/{subject}/versions}, which registers the schema or returns the id it
 * already has; without, a lookup ({@code POST /subjects/{subject}}) that fails when the schema is not registered. The id
 * is then cached for the life of the encoder: steady-state sends make no registry call, and a registry outage only
 * affects a schema not sent before.
 *
 * <p>Failures: {@link SchemaRegistryUnavailableException} when the registry cannot be asked (retryable), {@link
 * SchemaRegistryException} when it refuses the schema (incompatible, not registered, unauthorized), {@link
 * IllegalArgumentException} when the record does not fit its schema. Thread-safe.
 */
public final class ConfluentEncoder implements FactEncoder {
    private final SchemaRegistryClient registry;
    private final SubjectNameStrategy strategy;
    private final boolean autoRegister;
    private final Map<Schema, Map<String, byte[]>> headers = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();

    /**
     * @param autoRegister register schemas not yet in the registry (true), or only look them up and refuse to send
     *     facts whose schema was not registered beforehand, e.g. by {@code make schemas-register} (false)
     */
    public ConfluentEncoder(SchemaRegistryClient registry, SubjectNameStrategy strategy, boolean autoRegister) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.autoRegister = autoRegister;
    }

    @Override
    public byte[] encode(String topic, SpecificRecord fact) {
        return encodeRecord(topic, fact);
    }

    /**
     * Encodes any Avro record, generated ({@link SpecificRecord}) or generic ({@link GenericData.Record}, values as
     * Avro's generic representation: a {@code timestamp-millis} is a {@code long}); for tools and tests that write a
     * schema without a generated class.
     */
    public byte[] encodeRecord(String topic, IndexedRecord record) {
        Schema schema = record.getSchema();
        byte[] header = headerFor(topic, schema);
        DatumWriter<Object> writer = record instanceof SpecificRecord
                ? specificWriters.computeIfAbsent(
                        schema, s -> new SpecificDatumWriter<>(s, SpecificData.getForSchema(s)))
                : genericWriters.computeIfAbsent(schema, s -> new GenericDatumWriter<>(s, GenericData.get()));
        return FramedBody.write(header, writer, record);
    }

    /**
     * The registry id of {@code schema} on {@code topic}, registering or looking it up on first use, cached after.
     *
     * @throws SchemaRegistryUnavailableException when the registry cannot be asked
     * @throws SchemaRegistryException when it refuses the schema, or it is not registered and auto-registration is off
     */
    public int schemaId(String topic, Schema schema) {
        return ConfluentEncoding.schemaId(headerFor(topic, schema));
    }

    private byte[] headerFor(String topic, Schema schema) {
        Map<String, byte[]> byTopic = headers.computeIfAbsent(schema, s -> new ConcurrentHashMap<>());
        byte[] header = byTopic.get(topic);
        if (header == null) {
            // one registry call per (schema, topic) even when many threads send its first record at once
            header = byTopic.computeIfAbsent(topic, t -> ConfluentEncoding.header(resolveId(t, schema)));
        }
        return header;
    }

    private int resolveId(String topic, Schema schema) {
        String subject = strategy.subject(topic, schema);
        if (autoRegister) {
            return registry.register(subject, schema);
        }
        return registry.lookup(subject, schema)
                .orElseThrow(() -> new SchemaRegistryException(
                        "schema registry " + registry.url() + " has no " + schema.getName() + " schema like this one"
                                + " under subject " + subject + ", and auto-registration is off: register it first"
                                + " (make schemas-register)",
                        404,
                        40403))
                .id();
    }

    @Override
    public String toString() {
        return "ConfluentEncoder[" + registry.url() + ", subjects " + strategy + (autoRegister ? ", auto-register" : "")
                + "]";
    }
}
