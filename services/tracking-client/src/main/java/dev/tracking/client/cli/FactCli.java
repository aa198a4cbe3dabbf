package dev.tracking.client.cli;

import dev.tracking.client.kafka.KafkaClientProperties;
import dev.tracking.client.registry.CompatibilityLevel;
import dev.tracking.client.registry.SchemaRegistration;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The fact command line: {@code publish <file>}, {@code simulate [options]} and {@code schemas-register [--dry-run]},
 * each with {@code --help}. Exit codes: 0 done, 1 Kafka did not take every fact (or, for {@code schemas-register}, a
 * schema is incompatible or the registry failed), 2 bad arguments, bad input or bad Kafka client settings, or Kafka
 * refused the client's authentication (nothing published). The commands that talk to Kafka take {@code --kafka-config}
 * ({@link KafkaConfigOption}).
 */
@Command(
        name = "fact-cli",
        mixinStandardHelpOptions = true,
        version = "fact-cli 0.1.0",
        description = "Publishes facts to Kafka as product services do, and registers their schemas.",
        subcommands = {
            FactCli.Publish.class,
            FactCli.Simulate.class,
            FactCli.SchemasRegister.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:Kafka did not take every fact; schemas-register: a schema is incompatible or the registry failed",
            "2:bad arguments, input or Kafka settings, or Kafka refused the login: nothing published or registered"
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  KAFKA_BOOTSTRAP_SERVERS       Kafka to publish to (default 127.0.0.1:9092)",
            "  KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*",
            "                                SASL and TLS for Kafka: see publish --help (and its --kafka-config FILE)",
            "  TRACKING_TOPICS_<FAMILY>      topic of a fact family (ONBOARDING, INTEGRATIONS, ENGAGEMENT,",
            "                                SUBSCRIPTIONS, PROFILES), default facts.<family>",
            "  SCHEMA_REGISTRY_URL           schema registry (Confluent REST API); when set, facts are published in the",
            "                                Confluent framing: http://127.0.0.1:8081, Apicurio: .../apis/ccompat/v7",
            "                                (default: none, Avro single-object encoding)",
            "  SCHEMA_REGISTRY_USER          basic auth user (API key) of the registry, with SCHEMA_REGISTRY_PASSWORD",
            "  SCHEMA_REGISTRY_PASSWORD      basic auth password (API secret); never printed",
            "  SCHEMA_REGISTRY_TRUSTSTORE    PKCS12 (or .jks) trust store for an https registry, with",
            "                                SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD (default: the JDK's trusted CAs)",
            "  SCHEMA_REGISTRY_SUBJECT_STRATEGY",
            "                                subject of a schema: topic-record (<topic>-<record>, default), record",
            "                                (<record>) or topic (<topic>-value, one subject for several fact types)"
        })
public final class FactCli implements Callable<Integer> {
    static final int USAGE = 2;
    /** Columns of the help text; the footer's lines are written for it. */
    static final int HELP_WIDTH = 110;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final CliEnvironment environment;
    private final PrintStream out;
    private final PrintStream err;

    private FactCli(CliEnvironment environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

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
        CommandLine commandLine =
                new CommandLine(new FactCli(new CliEnvironment(env), out, err)).setUsageHelpWidth(HELP_WIDTH);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((exception, command, parsed) -> {
            if (exception instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw exception;
        });
        return commandLine.execute(args);
    }

    /** Without a command: the usage, on stderr, and exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return USAGE;
    }

    /** The registry settings, checked before any command: a bad one is reported, exit 2. */
    private boolean environmentIsValid() {
        try {
            environment.schemaRegistry();
            environment.subjectStrategy();
            return true;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return false;
        }
    }

    /** The Kafka client settings of the environment and {@code --kafka-config}; null, reported, when not valid. */
    private KafkaClientProperties kafkaSettings(KafkaConfigOption option) {
        try {
            return option.properties(environment.env());
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return null;
        }
    }

    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description =
                    "Publishes a file of facts, one JSON object a line ({\"type\": \"UserSignedUp\", \"user_id\": "
                            + "...}). A line without event_id gets one derived from its line number and exact text, without "
                            + "occurred_at the file's last-modified time, so running the same file again (after a partial "
                            + "failure) repeats the same facts and the consumer drops those already delivered; editing a line "
                            + "(or lines above it) changes its id, saving the file changes those times: give event_id and "
                            + "occurred_at for full control. Every line is checked first: with a bad line nothing is published "
                            + "(exit 2).")
    static final class Publish implements Callable<Integer> {
        @ParentCommand
        FactCli root;

        @Parameters(index = "0", paramLabel = "FACTS_JSONL", description = "the fact file")
        Path file;

        @Mixin
        KafkaConfigOption kafkaConfig;

        @Override
        public Integer call() {
            KafkaClientProperties kafka = root.kafkaSettings(kafkaConfig);
            if (kafka == null || !root.environmentIsValid()) {
                return USAGE;
            }
            return new PublishCommand(root.environment, kafka, root.out, root.err).run(file);
        }
    }

    @Command(
            name = "simulate",
            mixinStandardHelpOptions = true,
            description = "Publishes simulated product usage until Ctrl-C, or for --duration or --count; on Ctrl-C it "
                    + "stops once the facts already sent are acknowledged and prints a summary.")
    static final class Simulate implements Callable<Integer> {
        @ParentCommand
        FactCli root;

        @Option(
                names = "--teams",
                paramLabel = "N",
                defaultValue = "50",
                converter = TeamsConverter.class,
                description = "teams to simulate, 1 to 1000000 (default: ${DEFAULT-VALUE})")
        int teams;

        @Option(
                names = "--rate",
                paramLabel = "FACTS_PER_SECOND",
                defaultValue = "200",
                converter = RateConverter.class,
                description = "facts a second, 1 to 10000000 (default: ${DEFAULT-VALUE})")
        int rate;

        @Option(
                names = "--duration",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "stop after this long: 30s, 5m, 1h or ISO-8601 (PT90S); default: until Ctrl-C")
        Duration duration;

        @Option(
                names = "--count",
                paramLabel = "N",
                converter = CountConverter.class,
                description = "stop after this many facts; default: no limit")
        long count;

        @Option(
                names = "--seed",
                paramLabel = "N",
                converter = SeedConverter.class,
                description = "seed of the simulation, to repeat a run; default: random")
        Long seed;

        @Option(
                names = "--consumer-status",
                paramLabel = "URL",
                description = "the tracking consumer's /actuator/tracking: its line (consumed, delivered, duplicates,"
                        + " dead-lettered, lag) is printed beside the simulator's every 10 s; default: none")
        java.net.URI consumerStatus;

        SimulateCommand.Options options() {
            return new SimulateCommand.Options(
                    teams, rate, duration, count, seed == null ? System.nanoTime() : seed, consumerStatus);
        }

        @Mixin
        KafkaConfigOption kafkaConfig;

        @Override
        public Integer call() throws InterruptedException {
            KafkaClientProperties kafka = root.kafkaSettings(kafkaConfig);
            if (kafka == null || !root.environmentIsValid()) {
                return USAGE;
            }
            SimulateCommand command = new SimulateCommand(root.environment, kafka, root.out, root.err);
            // Ctrl-C: stop, and hold the JVM until the facts already sent are acknowledged and the summary printed.
            // The hook waits for the command, not for this thread: this thread goes on to System.exit, which blocks
            // while hooks run.
            Thread hook = new Thread(() -> command.stopAndAwait(Duration.ofSeconds(35)));
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return command.run(options());
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is what stopped the command
                }
            }
        }
    }

    @Command(
            name = "schemas-register",
            mixinStandardHelpOptions = true,
            description =
                    "Checks every fact schema against the registry's versions of its subject (SCHEMA_REGISTRY_URL), "
                            + "then registers them all; exit 1 naming the incompatible fields (nothing registered) if a change "
                            + "breaks compatibility.")
    static final class SchemasRegister implements Callable<Integer> {
        @ParentCommand
        FactCli root;

        @Option(names = "--dry-run", description = "check only; register nothing")
        boolean dryRun;

        @Option(
                names = "--compatibility",
                paramLabel = "LEVEL",
                converter = CompatibilityConverter.class,
                description = "level set on each subject: BACKWARD_TRANSITIVE (default), BACKWARD, FULL, ..."
                        + " (topic strategy: NONE)")
        CompatibilityLevel compatibility = SchemaRegistration.DEFAULT_LEVEL;

        @Override
        public Integer call() {
            if (!root.environmentIsValid()) {
                return USAGE;
            }
            return new SchemasRegisterCommand(root.environment, root.out, root.err).run(dryRun, compatibility);
        }
    }

    /**
     * The options of {@code simulate} as given (for tests).
     *
     * @throws CommandLine.ParameterException naming a value that is not valid
     */
    static SimulateCommand.Options simulateOptions(List<String> args) {
        Simulate simulate = new Simulate();
        new CommandLine(simulate).parseArgs(args.toArray(String[]::new));
        return simulate.options();
    }

    static Duration duration(String value) {
        Duration parsed = PositiveDurations.parseOrNull(value);
        if (parsed == null) {
            throw new IllegalArgumentException(
                    "'" + value + "' is not valid: expected a positive duration such as 30s, 5m, 1h or PT90S");
        }
        return parsed;
    }

    private static int positiveInt(String value, int max) {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.TypeConversionException(
                "'" + value + "' is not valid: expected a whole number from 1 to " + max);
    }

    static final class TeamsConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return positiveInt(value, 1_000_000);
        }
    }

    static final class RateConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return positiveInt(value, 10_000_000);
        }
    }

    static final class CountConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return (long) positiveInt(value, Integer.MAX_VALUE);
        }
    }

    static final class SeedConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not valid: expected a whole number");
            }
        }
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return duration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class CompatibilityConverter implements CommandLine.ITypeConverter<CompatibilityLevel> {
        @Override
        public CompatibilityLevel convert(String value) {
            try {
                return CompatibilityLevel.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
