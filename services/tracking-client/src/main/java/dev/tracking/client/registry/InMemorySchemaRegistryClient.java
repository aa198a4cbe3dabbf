package dev.tracking.client.registry;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;

/**
 * A schema registry in this process, for tests that have no registry server (like Confluent's {@code
 * MockSchemaRegistryClient}). Behaves like Confluent's: one id per distinct schema across subjects (by Avro parsing
 * form), versions per subject from 1, compatibility checked on registration with the subject's level, else the global
 * one ({@code BACKWARD} unless given). {@link #unavailable(boolean)} simulates an outage. Thread-safe.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    private static final URI URL = URI.create("http://in-memory-schema-registry");

    private final Map<String, Integer> idsByForm = new HashMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, List<RegisteredSchema>> subjects = new LinkedHashMap<>();
    private final Map<String, CompatibilityLevel> levels = new HashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private CompatibilityLevel globalLevel;
    private int nextId;
    private volatile boolean unavailable;

    /** An empty registry with global level {@code BACKWARD} and ids from 1. */
    public InMemorySchemaRegistryClient() {
        this(CompatibilityLevel.BACKWARD, 1);
    }

    /** An empty registry with this global level, handing out ids from {@code firstId}. */
    public InMemorySchemaRegistryClient(CompatibilityLevel globalLevel, int firstId) {
        this.globalLevel = globalLevel;
        this.nextId = firstId;
    }

    /** While true, every call throws {@link SchemaRegistryUnavailableException}, as when the server is down. */
    public void unavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    /** Calls made so far (including those refused while {@link #unavailable}). */
    public long requests() {
        return requests.get();
    }

    @Override
    public URI url() {
        return URL;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        enter("registering " + schema.getName() + " under subject " + subject);
        Optional<RegisteredSchema> existing = find(subject, schema);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        CompatibilityCheck check = check(subject, schema);
        if (!check.compatible()) {
            throw new SchemaRegistryException(
                    "schema registry " + URL + " refused " + schema.getName() + " under subject " + subject
                            + ": 409 incompatible with an earlier schema; " + String.join("; ", check.messages()),
                    409,
                    409);
        }
        String form = SchemaNormalization.toParsingForm(schema);
        int id = idsByForm.computeIfAbsent(form, f -> nextId++);
        schemasById.putIfAbsent(id, schema.toString());
        List<RegisteredSchema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        versions.add(new RegisteredSchema(subject, versions.size() + 1, id, schema.toString()));
        return id;
    }

    @Override
    public synchronized Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        enter("the lookup of " + schema.getName() + " under subject " + subject);
        return find(subject, schema);
    }

    @Override
    public synchronized Optional<String> schemaById(int id) {
        enter("the schema with id " + id);
        return Optional.ofNullable(schemasById.get(id));
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        enter("the versions of subject " + subject);
        return subjects.getOrDefault(subject, List.of()).stream()
                .map(RegisteredSchema::version)
                .toList();
    }

    @Override
    public synchronized Optional<RegisteredSchema> version(String subject, int version) {
        enter("version " + version + " of subject " + subject);
        return subjects.getOrDefault(subject, List.of()).stream()
                .filter(v -> v.version() == version)
                .findFirst();
    }

    @Override
    public synchronized CompatibilityCheck testCompatibility(String subject, Schema schema) {
        enter("the compatibility check of " + schema.getName() + " under subject " + subject);
        return check(subject, schema);
    }

    @Override
    public synchronized Optional<CompatibilityLevel> compatibilityLevel(String subject) {
        enter("the compatibility level of subject " + subject);
        return Optional.ofNullable(levels.get(subject));
    }

    @Override
    public synchronized void probe() {
        enter("the list of subjects");
    }

    @Override
    public synchronized CompatibilityLevel globalCompatibilityLevel() {
        enter("the global compatibility level");
        return globalLevel;
    }

    @Override
    public synchronized void setCompatibilityLevel(String subject, CompatibilityLevel level) {
        enter("compatibility level " + level + " for subject " + subject);
        levels.put(subject, level);
    }

    /** Sets the level of subjects without their own. */
    public synchronized void setGlobalCompatibilityLevel(CompatibilityLevel level) {
        this.globalLevel = level;
    }

    private void enter(String what) {
        requests.incrementAndGet();
        if (unavailable) {
            throw new SchemaRegistryUnavailableException(
                    "schema registry " + URL + " unavailable for " + what + " (simulated outage)", null);
        }
    }

    private Optional<RegisteredSchema> find(String subject, Schema schema) {
        String form = SchemaNormalization.toParsingForm(schema);
        return subjects.getOrDefault(subject, List.of()).stream()
                .filter(v -> SchemaNormalization.toParsingForm(new Schema.Parser().parse(v.schema()))
                        .equals(form))
                .findFirst();
    }

    private CompatibilityCheck check(String subject, Schema candidate) {
        CompatibilityLevel level = levels.getOrDefault(subject, globalLevel);
        List<RegisteredSchema> versions = subjects.getOrDefault(subject, List.of());
        if (level == CompatibilityLevel.NONE || versions.isEmpty()) {
            return new CompatibilityCheck(true, List.of());
        }
        List<RegisteredSchema> against = level.transitive() ? versions : List.of(versions.get(versions.size() - 1));
        List<String> messages = new ArrayList<>();
        for (RegisteredSchema earlier : against) {
            Schema old = new Schema.Parser().parse(earlier.schema());
            if (level.checksBackward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), earlier, messages);
            }
            if (level.checksForward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), earlier, messages);
            }
        }
        return new CompatibilityCheck(messages.isEmpty(), messages);
    }

    private static void describe(
            SchemaCompatibility.SchemaPairCompatibility result, RegisteredSchema earlier, List<String> messages) {
        for (SchemaCompatibility.Incompatibility problem : result.getResult().getIncompatibilities()) {
            messages.add("version " + earlier.version() + ": " + problem.getType() + " at " + problem.getLocation()
                    + ": " + problem.getMessage());
        }
    }
}
