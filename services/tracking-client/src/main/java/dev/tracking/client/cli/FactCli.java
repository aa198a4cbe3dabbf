package dev.tracking.client.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fact command line: {@code publish <file>} and {@code simulate [options]}. Exit codes: 0 done, 1 Kafka did not
 * take every fact, 2 bad arguments or bad input (nothing published).
 */
public final class FactCli {
    static final String USAGE = """
            usage:
              fact-cli publish <facts.jsonl>
                  publish a file of facts, one JSON object a line ({"type": "UserSignedUp", "user_id": ...})
              fact-cli simulate [--teams N] [--rate FACTS_PER_SECOND] [--duration DURATION] [--count N] [--seed N]
                  publish simulated product usage until Ctrl-C (defaults: --teams 50 --rate 200)
                  DURATION is ISO-8601 (PT30S) or a number with s/m/h (30s, 5m)
            environment:
              KAFKA_BOOTSTRAP_SERVERS       Kafka to publish to (default 127.0.0.1:9092)
              TRACKING_TOPICS_<FAMILY>      topic of a fact family (ONBOARDING, INTEGRATIONS, ENGAGEMENT,
                                            SUBSCRIPTIONS, PROFILES), default facts.<family>
            """;

    private FactCli() {}

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
            throws InterruptedException {
        CliEnvironment environment = new CliEnvironment(env);
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (args[0]) {
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
                Thread main = Thread.currentThread();
                Thread hook = new Thread(() -> {
                    command.stop();
                    try {
                        main.join(35_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                Runtime.getRuntime().addShutdownHook(hook);
                return command.run(options);
            }
            default -> {
                err.println("unknown command '" + args[0] + "': expected publish or simulate");
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
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "--duration '" + value + "' is not valid: expected a positive duration such as 30s, 5m, 1h or PT90S");
    }
}
