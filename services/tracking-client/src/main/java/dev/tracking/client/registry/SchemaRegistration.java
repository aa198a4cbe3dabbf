package dev.tracking.client.registry;

import dev.tracking.schemas.FactFamily;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Registers the fact schemas with a schema registry after checking that each is compatible with what the registry
 * already holds for its subject: what {@code make schemas-register} ({@code fact-cli schemas-register}) runs.
 *
 * <p>Two passes. First every schema is checked, nothing written:
 *
 * <ul>
 *   <li>a schema already registered under its subject is fine as it is (re-running is a no-op);
 *   <li>otherwise Avro's own compatibility check runs locally against the versions of the same record already in the
 *       subject, in the direction(s) of the requested {@link CompatibilityLevel} (default {@code BACKWARD_TRANSITIVE}:
 *       the new schema reads data written with every earlier version), and each problem names the field;
 *   <li>and, when each fact type has its own subject, the registry's verdict is asked too ({@code
 *       /compatibility/...?verbose=true}), since its level may be stricter than ours.
 * </ul>
 *
 * If any schema is incompatible nothing is registered and the result is 1. Otherwise each subject's compatibility level
 * is set to the requested one (to {@code NONE} under {@link SubjectNameStrategy#TOPIC}, whose subjects hold several
 * record types: then only the local per-type check guards them) and the schemas are registered. Registry unreachable
 * or refusing: result 1, with the registry's message.
 */
public final class SchemaRegistration {
    /** The level set on each subject unless another is asked for: what the schemas module's build enforces. */
    public static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD_TRANSITIVE;

    private final SchemaRegistryClient registry;
    private final SubjectNameStrategy strategy;
    private final CompatibilityLevel level;

    /** A schema to register, and the topic its facts are published to (which may name its subject). */
    public record Candidate(String topic, Schema schema) {
        public Candidate {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(schema, "schema");
        }
    }

    private record Step(
            Candidate candidate, String subject, Optional<SchemaRegistryClient.RegisteredSchema> existing) {}

    public SchemaRegistration(SchemaRegistryClient registry, SubjectNameStrategy strategy, CompatibilityLevel level) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.level = Objects.requireNonNull(level, "level");
    }

    /** The current schema of every fact type of the catalogue, each with its family's topic from {@code topics}. */
    public static List<Candidate> currentSchemas(Map<FactFamily, String> topics) {
        List<Candidate> candidates = new ArrayList<>();
        for (FactFamily family : FactFamily.values()) {
            String topic = topics.getOrDefault(family, family.defaultTopic());
            for (Class<? extends SpecificRecordBase> type : family.types()) {
                candidates.add(new Candidate(topic, FactFamily.schemaOf(type)));
            }
        }
        return candidates;
    }

    /**
     * Checks every candidate, then (unless {@code dryRun}, or a check failed) sets subject levels and registers.
     * Progress goes to {@code out}, problems to {@code err}.
     *
     * @return 0 when every schema is registered (or, in a dry run, would be), 1 when a schema is incompatible or the
     *     registry could not be used
     */
    public int run(List<Candidate> candidates, boolean dryRun, PrintStream out, PrintStream err) {
        CompatibilityLevel subjectLevel = strategy.sharesSubjectAcrossTypes() ? CompatibilityLevel.NONE : level;
        out.printf(
                "checking %d schema(s) against schema registry %s (subjects: %s, compatibility: %s)%n",
                candidates.size(), registry.url(), strategy, level);
        if (strategy.sharesSubjectAcrossTypes()) {
            out.println("note: with subject strategy topic, several fact types share one subject, so its"
                    + " compatibility level is set to NONE and only the local check per fact type guards it");
        }
        List<Step> steps = new ArrayList<>();
        int incompatible = 0;
        try {
            for (Candidate candidate : candidates) {
                Schema schema = candidate.schema();
                String subject = strategy.subject(candidate.topic(), schema);
                Optional<SchemaRegistryClient.RegisteredSchema> existing = registry.lookup(subject, schema);
                if (existing.isPresent()) {
                    out.printf(
                            "  ok    %-26s already registered under %s as id %d (version %d)%n",
                            schema.getName(),
                            subject,
                            existing.get().id(),
                            existing.get().version());
                    steps.add(new Step(candidate, subject, existing));
                    continue;
                }
                List<String> problems = problems(subject, schema);
                if (problems.isEmpty()) {
                    out.printf("  ok    %-26s compatible with subject %s%n", schema.getName(), subject);
                    steps.add(new Step(candidate, subject, existing));
                } else {
                    incompatible++;
                    err.printf("  FAIL  %s is not compatible with subject %s:%n", schema.getName(), subject);
                    problems.forEach(problem -> err.println("          " + problem));
                }
            }
            if (incompatible > 0) {
                err.printf(
                        "nothing registered: %d schema(s) incompatible with schema registry %s%n",
                        incompatible, registry.url());
                return 1;
            }
            if (dryRun) {
                long fresh = steps.stream().filter(s -> s.existing().isEmpty()).count();
                out.printf(
                        "dry run: would register %d schema(s) and set compatibility %s on their subjects;"
                                + " nothing written%n",
                        fresh, subjectLevel);
                return 0;
            }
            List<String> levelled = new ArrayList<>();
            int registered = 0;
            for (Step step : steps) {
                if (!levelled.contains(step.subject())) {
                    levelled.add(step.subject());
                    if (!registry.compatibilityLevel(step.subject())
                            .map(subjectLevel::equals)
                            .orElse(false)) {
                        registry.setCompatibilityLevel(step.subject(), subjectLevel);
                        out.printf("  set   compatibility of %s to %s%n", step.subject(), subjectLevel);
                    }
                }
                if (step.existing().isEmpty()) {
                    Schema schema = step.candidate().schema();
                    int id = registry.register(step.subject(), schema);
                    registered++;
                    out.printf("  new   %-26s registered under %s as id %d%n", schema.getName(), step.subject(), id);
                }
            }
            out.printf("done: %d schema(s) registered, %d already there%n", registered, steps.size() - registered);
            return 0;
        } catch (SchemaRegistryException | SchemaRegistryUnavailableException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    /** Why {@code schema} may not become the next version of {@code subject}; empty when it may. */
    List<String> problems(String subject, Schema schema) {
        List<String> problems = new ArrayList<>();
        List<Registered> sameType = new ArrayList<>();
        for (int version : registry.versions(subject)) {
            Optional<SchemaRegistryClient.RegisteredSchema> registered = registry.version(subject, version);
            if (registered.isEmpty() || registered.get().schema() == null) {
                continue;
            }
            try {
                Schema earlier = new Schema.Parser().parse(registered.get().schema());
                if (earlier.getFullName().equals(schema.getFullName())) {
                    sameType.add(new Registered(version, registered.get().id(), earlier));
                }
            } catch (SchemaParseException e) {
                // another schema type (JSON, Protobuf) under the subject: not ours to compare
            }
        }
        if (level != CompatibilityLevel.NONE && !sameType.isEmpty()) {
            List<Registered> against = level.transitive() ? sameType : List.of(sameType.get(sameType.size() - 1));
            for (Registered earlier : against) {
                String name = "version " + earlier.version() + " (id " + earlier.id() + ")";
                if (level.checksBackward()) {
                    describe(schema, earlier.schema(), "cannot read data written with " + name, problems);
                }
                if (level.checksForward()) {
                    describe(earlier.schema(), schema, name + " cannot read data written with it", problems);
                }
            }
        }
        if (!strategy.sharesSubjectAcrossTypes()) {
            SchemaRegistryClient.CompatibilityCheck verdict = registry.testCompatibility(subject, schema);
            if (!verdict.compatible()) {
                String effective = registry.compatibilityLevel(subject)
                        .orElseGet(registry::globalCompatibilityLevel)
                        .name();
                problems.add("the registry refuses it under its compatibility level " + effective
                        + (verdict.messages().isEmpty() ? " (it gave no details)" : ":"));
                verdict.messages().forEach(message -> problems.add("  registry: " + message));
            }
        }
        return problems;
    }

    private record Registered(int version, int id, Schema schema) {}

    private static void describe(Schema reader, Schema writer, String prefix, List<String> problems) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        for (SchemaCompatibility.Incompatibility problem : result.getResult().getIncompatibilities()) {
            problems.add(prefix + ": " + problem.getType() + " at field '" + fieldPath(reader, problem.getLocation())
                    + "': " + problem.getMessage());
        }
    }

    /** Turns a compatibility location such as {@code /fields/6/type} into field names of the reader ({@code seats}). */
    static String fieldPath(Schema reader, String location) {
        List<String> names = new ArrayList<>();
        Schema schema = reader;
        String[] parts = location.split("/");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("fields")
                    && i + 1 < parts.length
                    && schema.getType() == Schema.Type.RECORD
                    && parts[i + 1].matches("\\d+")) {
                Schema.Field field = schema.getFields().get(Integer.parseInt(parts[++i]));
                names.add(field.name());
                schema = field.schema();
            } else if (schema.getType() == Schema.Type.UNION && parts[i].matches("\\d+")) {
                int branch = Integer.parseInt(parts[i]);
                if (branch < schema.getTypes().size()) {
                    schema = schema.getTypes().get(branch);
                }
            }
        }
        return names.isEmpty() ? location : String.join(".", names);
    }
}
