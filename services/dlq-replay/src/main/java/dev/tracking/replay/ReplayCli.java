package dev.tracking.replay;

import dev.tracking.client.cli.CliEnvironment;
import dev.tracking.client.kafka.KafkaClientProperties;
import dev.tracking.client.serde.ConfluentEncoding;
import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code dlq-replay}: inspect the dead-letter topics the tracking consumer writes and replay their records. Commands:
 * {@code summary}, {@code show}, {@code replay} (a dry run unless {@code --execute}) and {@code history}. Exit codes:
 * {@value #OK} done, {@value #REFUSED} some records refused (replayed {@code --max-replays} times already),
 * {@value #USAGE} bad usage, {@value #UNAVAILABLE} Kafka unreachable or a topic missing.
 */
@Command(
        name = "dlq-replay",
        mixinStandardHelpOptions = true,
        version = "dlq-replay 0.1.0",
        description = "Inspects the dead-letter topics of the tracking consumer (<topic>-dlt) and replays their "
                + "records to their original topics, safely: a bare replay is a dry run, a record is replayed once "
                + "however often it was dead-lettered, and what was replayed is remembered in Kafka (the audit "
                + "topic), so running the same replay again sends nothing twice. Without --topic a command covers "
                + "all five dead-letter topics.",
        subcommands = {
            SummaryCommand.class,
            ShowCommand.class,
            ReplayCommand.class,
            HistoryCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:some records refused: replayed --max-replays times already (replay), or not placeable",
            "2:bad usage: an unknown option, command, category, fact type or topic, or a bad value",
            " :or Kafka refused the login (KAFKA_SASL_JAAS_CONFIG, the trust store, --kafka-config)",
            "3:Kafka unreachable within --timeout, or a dead-letter topic missing"
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  KAFKA_BOOTSTRAP_SERVERS      Kafka (default 127.0.0.1:9092); --bootstrap-servers overrides it",
            "  KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*",
            "                               SASL and TLS for Kafka: see summary --help (and --kafka-config FILE)",
            "  TRACKING_TOPICS_<FAMILY>     topic of a fact family (ONBOARDING, INTEGRATIONS, ENGAGEMENT,",
            "                               SUBSCRIPTIONS, PROFILES), default facts.<family>; its dead-letter",
            "                               topic is <topic>-dlt",
            "  TRACKING_REPLAY_AUDIT_TOPIC  audit topic (default tracking.replay-audit); --audit-topic",
            "  SCHEMA_REGISTRY_URL          registry to decode Confluent-framed facts (optional)",
            "  USER                         the operator named in audit records; --operator overrides it"
        })
public final class ReplayCli implements java.util.concurrent.Callable<Integer> {
    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;
    /** Columns of the help text; the footer's lines are written for it. */
    static final int HELP_WIDTH = 100;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;
    private final boolean terminal;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    ReplayCli(Map<String, String> env, PrintStream out, PrintStream err, Clock clock, boolean terminal) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.clock = clock;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ReplayCli cli = new ReplayCli(System.getenv(), out, System.err, Clock.systemUTC(), System.console() != null);
        // Ctrl-C: a replay stops after the records in flight are acknowledged and remembered, and audits itself
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cli.stopRequested.set(true);
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        int exit;
        try {
            exit = cli.execute(args);
        } finally {
            finished.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what stopped the command
        }
        System.exit(exit);
    }

    /**
     * Runs one command as {@link #main} does, without exiting: for tests and tools that run the command line in
     * process (never a terminal: progress comes as plain lines).
     *
     * @param env the environment to read instead of the process's
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return new ReplayCli(env, out, err, Clock.systemUTC(), false).execute(args);
    }

    int execute(String[] args) {
        CommandLine commandLine = new CommandLine(this).setUsageHelpWidth(HELP_WIDTH);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((exception, command, parsed) -> {
            if (exception instanceof ReplayException replay) {
                command.getErr().println(replay.getMessage());
                return replay.exitCode();
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

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    Clock clock() {
        return clock;
    }

    boolean terminal() {
        return terminal;
    }

    /** Set when the process is asked to stop (Ctrl-C, SIGTERM). */
    boolean stopRequested() {
        return stopRequested.get();
    }

    void requestStop() {
        stopRequested.set(true);
    }

    TopicCatalogue catalogue() {
        return new TopicCatalogue(new CliEnvironment(env).topics());
    }

    /** Single-object encoding always; the Confluent framing too when {@code SCHEMA_REGISTRY_URL} is set. */
    FactDecoder decoder() {
        try {
            return new CliEnvironment(env)
                    .schemaRegistry()
                    .map(ConfluentEncoding::decoder)
                    .orElseGet(SingleObjectEncoding::decoder);
        } catch (IllegalArgumentException e) {
            throw ReplayException.usage(e.getMessage());
        }
    }

    KafkaAccess connect(ConnectionOptions connection) {
        String bootstrap = connection.bootstrapServers != null
                ? connection.bootstrapServers
                : new CliEnvironment(env).bootstrapServers();
        KafkaClientProperties kafka;
        try {
            kafka = connection.kafkaConfig == null
                    ? KafkaClientProperties.fromEnvironment(env)
                    : connection.kafkaConfig.properties(env);
        } catch (IllegalArgumentException e) {
            throw ReplayException.usage(e.getMessage());
        }
        return new KafkaAccess(
                bootstrap, kafka, connection.timeout == null ? Duration.ofSeconds(5) : connection.timeout);
    }

    String auditTopic(ConnectionOptions connection) {
        if (connection.auditTopic != null && !connection.auditTopic.isBlank()) {
            return connection.auditTopic.strip();
        }
        String fromEnv = env.get("TRACKING_REPLAY_AUDIT_TOPIC");
        return fromEnv == null || fromEnv.isBlank() ? AuditLog.DEFAULT_TOPIC : fromEnv.strip();
    }

    /** {@code --operator}, else {@code USER}, else {@code unknown}. */
    String operator(String given) {
        if (given != null && !given.isBlank()) {
            return given.strip();
        }
        String user = env.get("USER");
        return user == null || user.isBlank() ? "unknown" : user;
    }
}
