package dev.tracking.client.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fact command line: {@code publish <file>}, {@code simulate [options]} and {@code schemas-register [--dry-run]}.
 * Exit codes: 0 done, 1 Kafka did not take every fact (or, for {@code schemas-register}, a schema is incompatible or
 * the registry failed), 2 bad arguments or bad input (nothing published).
 */
public final class FactCli {
    static final String USAGE = """
            usage:
              fact-cli publish <facts.jsonl>
                  publish a file of facts, one JSON object a line ({"type": "UserSignedUp", "user_id": ...})
                  a line without event_id gets one derived from its line number and exact text, without occurred_at
                  the file's last-modified time, so running the same file again (after a partial failure) repeats
                  the same facts and the consumer drops those already delivered; editing a line (or lines above it)
                  changes its id, saving the file changes those times: give event_id and occurred_at for full control
              fact-cli simulate [--teams N] [--rate FACTS_PER_SECOND] [--duration DURATION] [--count N] [--seed N]
                  publish simulated product usage until Ctrl-C (defaults: --teams 50 --rate 200)
                  DURATION is ISO-8601 (PT30S) or a number with s/m/h (30s, 5m)
              fact-cli schemas-register [--dry-run] [--compatibility LEVEL]
                  check every fact schema against the registry's versions of its subject, then register them all;
                  exit 1 naming the incompatible fields (nothing registered) if a change breaks compatibility
                  LEVEL set on each subject: BACKWARD_TRANSITIVE (default), BACKWARD, FULL, ... (topic strategy: NONE)
            environment:
              KAFKA_BOOTSTRAP_SERVERS       Kafka to publish to (default 127.0.0.1:9092)
              TRACKING_TOPICS_<FAMILY>      topic of a fact family (ONBOARDING, INTEGRATIONS, ENGAGEMENT,
                                            SUBSCRIPTIONS, PROFILES), default facts.<family>
              SCHEMA_REGISTRY_URL           schema registry (Confluent REST API); when set, facts are published in the
                                            Confluent framing: http://127.0.0.1:8081, Apicurio: .../apis/ccompat/v7
                                            (default: none, Avro single-object encoding)
              SCHEMA_REGISTRY_USER          basic auth user (API key) of the registry, with SCHEMA_REGISTRY_PASSWORD
              SCHEMA_REGISTRY_PASSWORD      basic auth password (API secret); never printed
              SCHEMA_REGISTRY_TRUSTSTORE    PKCS12 (or .jks) trust store for an https registry, with
                                            SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD (default: the JDK's trusted CAs)
              SCHEMA_REGISTRY_SUBJECT_STRATEGY
                                            subject of a schema: topic-record (<topic>-<record>, default), record
                                            (<record>) or topic (<topic>-value, one subject for several fact types)
            """;

    private FactCli() {}

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Runs one command as {@link #main} does, without exiting: for tests and tools that run the command line in
     * process.
     *
     * @param env the environment to read ({@code KAFKA_BOOTSTRAP_SERVERS}, ...) instead of the process's
     * @return the exit code (see the class documentation)
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
            throws InterruptedException {
        CliEnvironment environment = new CliEnvironment(env);
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            environment.schemaRegistry();
            environment.subjectStrategy();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        switch (args[0]) {
            case "schemas-register" -> {
                return new SchemasRegisterCommand(environment, out, err).run(rest);
            }
            case "publish" -> {
                if (rest.size() != 1) {
                    err.println("publish takes exactly one argument, the fact file; got " + rest);
                    err.print(USAGE);
                    return 2;
                }
                return new PublishCommand(environment, out, err).run(Path.of(rest.get(0)));
            }
            case "simulate" -> {
                SimulateCommand.Options options;
                try {
                    options = simulateOptions(rest);
                } catch (IllegalArgumentException e) {
                    err.println(e.getMessage());
                    err.print(USAGE);
                    return 2;
                }
                SimulateCommand command = new SimulateCommand(environment, out, err);
                // Ctrl-C: stop, and hold the JVM until the facts already sent are acknowledged and the summary printed.
                // The hook waits for the command, not for this thread: this thread goes on to System.exit, which
                // blocks while hooks run.
                Thread hook = new Thread(() -> command.stopAndAwait(Duration.ofSeconds(35)));
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    return command.run(options);
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is what stopped the command
                    }
                }
            }
            default -> {
                err.println("unknown command '" + args[0] + "': expected publish, simulate or schemas-register");
                err.print(USAGE);
                return 2;
            }
        }
    }

    static SimulateCommand.Options simulateOptions(List<String> args) {
        int teams = 50;
        int rate = 200;
        Duration duration = null;
        long count = 0;
        long seed = System.nanoTime();
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            String value = args.get(++i);
            switch (option) {
                case "--teams" -> teams = positiveInt(option, value, 1_000_000);
                case "--rate" -> rate = positiveInt(option, value, 10_000_000);
                case "--count" -> count = positiveInt(option, value, Integer.MAX_VALUE);
                case "--seed" -> seed = parseLong(option, value);
                case "--duration" -> duration = duration(value);
                default ->
                    throw new IllegalArgumentException(
                            "unknown option '" + option + "': expected --teams, --rate, --duration, --count or --seed");
            }
        }
        return new SimulateCommand.Options(teams, rate, duration, count, seed);
    }

    private static int positiveInt(String option, String value, int max) {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                option + " '" + value + "' is not valid: expected a whole number from 1 to " + max);
    }

    private static long parseLong(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + value + "' is not valid: expected a whole number");
        }
    }

    static Duration duration(String value) {
        try {
            Duration parsed;
            if (value.matches("\\d+[smh]")) {
                long amount = Long.parseLong(value.substring(0, value.length() - 1));
                parsed = switch (value.charAt(value.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            } else {
                parsed = Duration.parse(value);
            }
            if (!parsed.isNegative() && !parsed.isZero()) {
                return parsed;
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "--duration '" + value + "' is not valid: expected a positive duration such as 30s, 5m, 1h or PT90S");
    }
}
