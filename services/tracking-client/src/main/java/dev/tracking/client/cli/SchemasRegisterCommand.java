package dev.tracking.client.cli;

import dev.tracking.client.registry.CompatibilityLevel;
import dev.tracking.client.registry.SchemaRegistration;
import dev.tracking.client.registry.SchemaRegistryClient;
import dev.tracking.client.registry.SubjectNameStrategy;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * {@code schemas-register [--dry-run] [--compatibility LEVEL]} (options parsed by {@link FactCli}): registers the current schema of every fact type with
 * the registry of {@code SCHEMA_REGISTRY_URL}, after checking each is compatible with what the registry holds (see
 * {@link SchemaRegistration}). Exit 0 registered (or already there), 1 incompatible or registry failure (nothing
 * registered when a schema is incompatible), 2 bad arguments or no registry configured.
 */
final class SchemasRegisterCommand {
    private final CliEnvironment environment;
    private final PrintStream out;
    private final PrintStream err;
    private final List<SchemaRegistration.Candidate> candidates;

    SchemasRegisterCommand(CliEnvironment environment, PrintStream out, PrintStream err) {
        this(environment, out, err, SchemaRegistration.currentSchemas(environment.topics()));
    }

    /** With other schemas than the current ones (tests: an incompatible change). */
    SchemasRegisterCommand(
            CliEnvironment environment,
            PrintStream out,
            PrintStream err,
            List<SchemaRegistration.Candidate> candidates) {
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.candidates = List.copyOf(candidates);
    }

    int run(boolean dryRun, CompatibilityLevel level) {
        Optional<SchemaRegistryClient> registry;
        SubjectNameStrategy strategy;
        try {
            registry = environment.schemaRegistry();
            strategy = environment.subjectStrategy();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (registry.isEmpty()) {
            err.println("schemas-register needs SCHEMA_REGISTRY_URL, e.g. http://127.0.0.1:8081 (Confluent) or"
                    + " http://127.0.0.1:8080/apis/ccompat/v7 (Apicurio)");
            return 2;
        }
        return new SchemaRegistration(registry.get(), strategy, level).run(candidates, dryRun, out, err);
    }
}
