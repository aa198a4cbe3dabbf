package dev.tracking.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Argument handling of the command line; nothing here reaches Kafka (every case stops before publishing). */
class FactCliTest {
    /** Where a test run of the CLI would publish: a closed port, so an accidental publish fails instead of hanging. */
    private static final Map<String, String> NO_KAFKA = Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");

    private final Console console = new Console();

    @Test
    void noArgumentsExits2WithUsageOnStderr() throws InterruptedException {
        assertThat(run()).isEqualTo(2);
        assertThat(console.printedErr()).contains("Usage: fact-cli", "publish", "simulate", "schemas-register");
        assertThat(console.printedOut()).isEmpty();
    }

    @Test
    void helpExits0WithUsageOnStdout() throws InterruptedException {
        assertThat(run("--help")).isEqualTo(0);
        assertThat(console.printedOut()).contains("Usage: fact-cli", "KAFKA_BOOTSTRAP_SERVERS", "Exit codes:");
    }

    @ParameterizedTest(name = "{0} --help")
    @CsvSource({"publish", "simulate", "schemas-register"})
    void everyCommandAnswersHelp(String command) throws InterruptedException {
        assertThat(run(command, "--help")).isEqualTo(0);
        assertThat(console.printedOut()).contains("Usage: fact-cli " + command);
        assertThat(console.printedErr()).isEmpty();
    }

    @Test
    void simulateHelpNamesEveryOption() throws InterruptedException {
        assertThat(run("simulate", "--help")).isEqualTo(0);
        assertThat(console.printedOut()).contains("--teams", "--rate", "--duration", "--count", "--seed");
    }

    @Test
    void badCompatibilityLevelExits2NamingIt() throws InterruptedException {
        assertThat(run("schemas-register", "--compatibility", "SIDEWAYS")).isEqualTo(2);
        assertThat(console.printedErr()).contains("unknown compatibility level 'SIDEWAYS'");
    }

    @Test
    void unknownCommandExits2NamingIt() throws InterruptedException {
        assertThat(run("replay", "facts.jsonl")).isEqualTo(2);
        assertThat(console.printedErr()).contains("Unmatched arguments from index 0: 'replay'");
    }

    @ParameterizedTest(name = "--rate {0}")
    @CsvSource({"fast", "0", "-5", "2.5", "99999999999"})
    void badRateExits2NamingTheValue(String rate) throws InterruptedException {
        assertThat(run("simulate", "--rate", rate)).isEqualTo(2);
        assertThat(console.printedErr()).contains("option '--rate'", "'" + rate + "'");
    }

    @ParameterizedTest(name = "--duration {0}")
    @CsvSource({"soon", "5x", "0s", "PT0S", "PT-5S", "-5s", "99999999999999999h", "99999999999999999999s"})
    void badDurationExits2NamingTheValue(String duration) throws InterruptedException {
        assertThat(run("simulate", "--duration", duration)).isEqualTo(2);
        assertThat(console.printedErr()).contains("option '--duration'", "'" + duration + "'");
    }

    @Test
    void badTeamsCountAndSeedExit2NamingTheValue() throws InterruptedException {
        assertThat(run("simulate", "--teams", "many")).isEqualTo(2);
        assertThat(run("simulate", "--count", "0")).isEqualTo(2);
        assertThat(run("simulate", "--seed", "0x1F")).isEqualTo(2);
        assertThat(console.printedErr())
                .contains("Invalid value for option '--teams': 'many' is not valid: expected a whole number")
                .contains("Invalid value for option '--count': '0' is not valid")
                .contains("Invalid value for option '--seed': '0x1F' is not valid");
    }

    @Test
    void optionWithoutValueExits2() throws InterruptedException {
        assertThat(run("simulate", "--count", "10", "--rate")).isEqualTo(2);
        assertThat(console.printedErr()).contains("Missing required parameter for option '--rate'");
    }

    @Test
    void unknownOptionExits2NamingIt() throws InterruptedException {
        assertThat(run("simulate", "--speed", "10")).isEqualTo(2);
        assertThat(console.printedErr()).contains("Unknown options: '--speed'");
    }

    @Test
    void publishWithoutAFileExits2() throws InterruptedException {
        assertThat(run("publish")).isEqualTo(2);
        assertThat(console.printedErr()).contains("Missing required parameter: 'FACTS_JSONL'");
    }

    @Test
    void publishWithTwoFilesExits2NamingThem() throws InterruptedException {
        assertThat(run("publish", "a.jsonl", "b.jsonl")).isEqualTo(2);
        assertThat(console.printedErr()).contains("Unmatched argument at index 2: 'b.jsonl'");
    }

    @Test
    void publishOfAMissingFileExits2NamingIt(@TempDir Path dir) throws InterruptedException {
        Path missing = dir.resolve("missing.jsonl");

        assertThat(run("publish", missing.toString())).isEqualTo(2);
        assertThat(console.printedErr()).contains("cannot read fact file " + missing);
    }

    @Test
    void publishWithAnUnusableKafkaAddressExits2NamingIt(@TempDir Path dir) throws Exception {
        Path file = Files.write(
                dir.resolve("facts.jsonl"),
                List.of("{\"type\": \"DashboardViewed\", \"team_id\": \"acme\", \"user_id\": \"user-alice\"}"));

        int exit = FactCli.run(
                new String[] {"publish", file.toString()},
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-without-port"),
                console.out(),
                console.err());

        assertThat(exit).isEqualTo(2);
        assertThat(console.printedErr()).contains("nothing published", "KAFKA_BOOTSTRAP_SERVERS=kafka-without-port");
    }

    @Test
    void simulateWithAnUnusableKafkaAddressExits2NamingIt() throws InterruptedException {
        int exit = FactCli.run(
                new String[] {"simulate", "--count", "1"},
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-without-port"),
                console.out(),
                console.err());

        assertThat(exit).isEqualTo(2);
        assertThat(console.printedErr()).contains("KAFKA_BOOTSTRAP_SERVERS=kafka-without-port");
    }

    @ParameterizedTest(name = "{0} --help")
    @CsvSource({"publish", "simulate"})
    void everyKafkaCommandTakesAKafkaConfigFileAndListsTheSecurityVariables(String command)
            throws InterruptedException {
        assertThat(run(command, "--help")).isEqualTo(0);
        assertThat(console.printedOut())
                .contains("--kafka-config=FILE", "--command-config")
                .contains(
                        "KAFKA_SECURITY_PROTOCOL",
                        "KAFKA_SASL_MECHANISM",
                        "KAFKA_SASL_JAAS_CONFIG",
                        "KAFKA_SSL_TRUSTSTORE_LOCATION",
                        "KAFKA_SSL_TRUSTSTORE_PASSWORD",
                        "KAFKA_SSL_KEYSTORE_LOCATION",
                        "KAFKA_SSL_KEYSTORE_PASSWORD",
                        "KAFKA_SSL_KEY_PASSWORD");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"publish", "simulate"})
    void aBadSecurityProtocolExits2NamingItAndTheValidOnes(String command, @TempDir Path dir) throws Exception {
        Path file = Files.write(
                dir.resolve("facts.jsonl"),
                List.of("{\"type\": \"DashboardViewed\", \"team_id\": \"acme\", \"user_id\": \"user-alice\"}"));
        String[] args = command.equals("publish")
                ? new String[] {"publish", file.toString()}
                : new String[] {"simulate", "--count", "1"};

        int exit = FactCli.run(
                args,
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "KAFKA_SECURITY_PROTOCOL", "SASL_TLS"),
                console.out(),
                console.err());

        assertThat(exit).isEqualTo(2);
        assertThat(console.printedErr())
                .contains("KAFKA_SECURITY_PROTOCOL 'SASL_TLS' is not valid: expected one of PLAINTEXT, SSL,"
                        + " SASL_PLAINTEXT, SASL_SSL");
        assertThat(console.printedOut()).doesNotContain("published");
    }

    @Test
    void aMissingKafkaConfigFileExits2NamingThePath(@TempDir Path dir) throws InterruptedException {
        Path missing = dir.resolve("client.properties");

        assertThat(run("simulate", "--count", "1", "--kafka-config", missing.toString()))
                .isEqualTo(2);
        assertThat(console.printedErr())
                .contains("Invalid value for option '--kafka-config': '" + missing + "' does not exist");
    }

    @Test
    void aBadSettingInTheKafkaConfigFileExits2NamingTheFileAndKey(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_TLS\n");

        assertThat(run("simulate", "--count", "1", "--kafka-config", config.toString()))
                .isEqualTo(2);
        assertThat(console.printedErr()).contains("security.protocol in " + config + " 'SASL_TLS' is not valid");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"30s, PT30S", "5m, PT5M", "2h, PT2H", "PT90S, PT1M30S", "pt2m, PT2M", "P1D, PT24H", "1s, PT1S"})
    void durationTakesSecondsMinutesHoursOrIso8601(String given, Duration expected) {
        assertThat(FactCli.duration(given)).isEqualTo(expected);
    }

    @Test
    void durationRefusesUnitsItDoesNotKnow() {
        assertThatThrownBy(() -> FactCli.duration("30d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'30d'");
    }

    @Test
    void simulateOptionsAreReadInAnyOrder() {
        var options = FactCli.simulateOptions(
                List.of("--seed", "7", "--count", "500", "--duration", "5m", "--rate", "5000", "--teams", "20"));

        assertThat(options).isEqualTo(new SimulateCommand.Options(20, 5000, Duration.ofMinutes(5), 500, 7, null));
    }

    @Test
    void simulateOptionsDefaultToFiftyTeamsAt200PerSecondWithoutEnd() {
        var options = FactCli.simulateOptions(List.of());

        assertThat(options.teams()).isEqualTo(50);
        assertThat(options.ratePerSecond()).isEqualTo(200);
        assertThat(options.duration()).isNull();
        assertThat(options.count()).isZero();
    }

    private int run(String... args) throws InterruptedException {
        return FactCli.run(args, NO_KAFKA, console.out(), console.err());
    }
}
