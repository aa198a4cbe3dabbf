package dev.tracking.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.kafka.KafkaClientProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line's usage: help, and errors that name the bad value and what is valid, with their exit codes. No
 * broker: every case stops before Kafka, or meets a closed port.
 */
@Timeout(30)
class ReplayCliTest {
    /** A closed port: a command that reaches for Kafka finds nobody there. */
    private static final Map<String, String> NO_KAFKA = Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");

    @ParameterizedTest(name = "{0} --help")
    @ValueSource(strings = {"summary", "show", "replay", "history"})
    void everyCommandHasHelp(String command) {
        Run run = Run.of(NO_KAFKA, command, "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Usage: dlq-replay " + command, "--bootstrap-servers", "--timeout");
    }

    @Test
    void theToolsHelpListsCommandsExitCodesAndEnvironment() {
        Run run = Run.of(NO_KAFKA, "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .contains("summary", "show", "replay", "history")
                .contains("Exit codes:", "0   done", "1   some records refused", "2   bad usage", "3   Kafka")
                .contains("KAFKA_BOOTSTRAP_SERVERS", "TRACKING_TOPICS_<FAMILY>");
    }

    @Test
    void replayHelpNamesEveryFilterAndTheDryRun() {
        Run run = Run.of(NO_KAFKA, "replay", "--help");

        assertThat(run.out())
                .contains("--topic", "--category", "--exception", "--type", "--key", "--since", "--until", "--offsets")
                .contains("--execute", "--rate", "--max-replays", "--operator", "dry run");
    }

    @Test
    void noCommandIsExit2WithTheUsageOnStderr() {
        Run run = Run.of(NO_KAFKA);

        assertThat(run.exit()).isEqualTo(ReplayCli.USAGE);
        assertThat(run.err()).contains("Usage: dlq-replay");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "summary --category poison | unknown category 'poison': expected one of decode, validation, mapping,"
                        + " rejected-by-posthog, oversize",
                "show --type SubscriptionBegun | unknown fact type 'SubscriptionBegun': expected one of",
                "replay --topic facts.billing | unknown topic 'facts.billing': expected a fact topic or its dead-letter"
                        + " topic: facts.onboarding, facts.onboarding-dlt",
                "replay --offsets 1:200-100 | --offsets '1:200-100' is not valid: expected <partition>:<from>-<to>",
                "summary --offsets x | --offsets 'x' is not valid",
                "summary --since yesterday | --since 'yesterday' is not valid: expected a time such as",
                "summary --since 1h --until 2h | is not before --until 2h",
                "replay --rate 0 | --rate '0' is not valid",
                "replay --rate fast | Invalid value for option '--rate': 'fast' is not an int",
                "replay --max-replays 0 | --max-replays '0' is not valid",
                "show --limit 0 | --limit '0' is not valid",
                "summary --timeout soon | 'soon' is not a positive duration",
                "summary --colour | Unknown option: '--colour'",
                "replai | Unmatched argument at index 0: 'replai'"
            })
    void badUsageIsExit2NamingTheValue(String args, String message) {
        Run run = Run.of(NO_KAFKA, args.split(" "));

        assertThat(run.exit()).as(run.toString()).isEqualTo(ReplayCli.USAGE);
        assertThat(run.err()).contains(message);
    }

    @Test
    void everyCommandTakesAKafkaConfigFileAndListsTheSecurityVariables() {
        Run run = Run.of(NO_KAFKA, "summary", "--help");

        assertThat(run.out())
                .contains("--kafka-config=FILE", "--command-config")
                .contains(KafkaClientProperties.ENVIRONMENT.keySet());
    }

    @Test
    void aBadSecurityProtocolIsExit2NamingItAndTheValidOnes() {
        Run run = Run.of(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "KAFKA_SECURITY_PROTOCOL", "SASL_TLS"), "summary");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ReplayCli.USAGE);
        assertThat(run.err())
                .contains("KAFKA_SECURITY_PROTOCOL 'SASL_TLS' is not valid: expected one of PLAINTEXT, SSL,"
                        + " SASL_PLAINTEXT, SASL_SSL");
    }

    @Test
    void aMissingKafkaConfigFileIsExit2NamingThePath(@TempDir Path dir) {
        Path missing = dir.resolve("client.properties");

        Run run = Run.of(NO_KAFKA, "history", "--kafka-config", missing.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(ReplayCli.USAGE);
        assertThat(run.err()).contains("Invalid value for option '--kafka-config': '" + missing + "' does not exist");
    }

    @Test
    void aBadSettingInTheKafkaConfigFileIsExit2NamingTheFileAndKey(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("client.properties"), "sasl.mechanism=PLAIN\n");

        Run run = Run.of(NO_KAFKA, "show", "--kafka-config", config.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(ReplayCli.USAGE);
        assertThat(run.err()).contains("sasl.mechanism in " + config + " is set but security.protocol is PLAINTEXT");
    }

    @Test
    void anUnreachableBrokerIsExit3WithinTheTimeout() {
        long started = System.nanoTime();

        Run run = Run.of(NO_KAFKA, "summary", "--timeout", "2s");

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(run.exit()).as(run.toString()).isEqualTo(ReplayCli.UNAVAILABLE);
        assertThat(run.err()).contains("cannot reach Kafka at 127.0.0.1:1 within 2s");
        assertThat(took).as("time to give up").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anUnusableBootstrapAddressIsExit2NamingIt() {
        Run run = Run.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-without-port"), "history");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ReplayCli.USAGE);
        assertThat(run.err()).contains("KAFKA_BOOTSTRAP_SERVERS 'kafka-without-port' is not usable");
    }
}
