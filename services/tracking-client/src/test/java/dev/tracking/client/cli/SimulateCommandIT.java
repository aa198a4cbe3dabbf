package dev.tracking.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.client.EmbeddedBroker;
import dev.tracking.client.KafkaTopics;
import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.FactValidator;
import dev.tracking.schemas.Facts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SimulateCommandIT {
    /** Far longer than a JVM needs to exit, far shorter than the 35 s a stuck shutdown hook held it. */
    private static final Duration EXIT_AFTER_SUMMARY = Duration.ofSeconds(15);

    @RegisterExtension
    static final EmbeddedBroker kafka = new EmbeddedBroker();

    private final Console console = new Console();
    private final FactDecoder decoder = SingleObjectEncoding.decoder();
    private final List<CliProcess> started = new ArrayList<>();

    @Test
    void publishesTheRequestedCountOfValidFacts(TestInfo test) throws InterruptedException {
        Map<FactFamily, String> topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        String[] args = {"simulate", "--count", "500", "--rate", "5000", "--seed", "7", "--teams", "20"};

        int exit = FactCli.run(args, environment(topics), console.out(), console.err());

        assertThat(console.printedErr()).isEmpty();
        assertThat(exit).isZero();
        assertThat(console.printedOut()).contains("done: sent 500, acknowledged 500, failed 0");
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTopics.awaitRecords(
                kafka.bootstrapServers(), topics.values(), 500, "500 simulated facts reached the topics");
        assertThat(records).hasSize(500);
        assertThat(KafkaTopics.recordCount(kafka.bootstrapServers(), topics.values()))
                .as("records written, duplicates included")
                .isEqualTo(500);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            SpecificRecord fact = decoder.decode(record.topic(), record.value());
            assertThat(FactValidator.violations(fact))
                    .as("violations of %s", fact)
                    .isEmpty();
            assertThat(record.topic()).isEqualTo(topics.get(FactFamily.of(fact.getClass())));
            String key = Facts.teamId(fact) != null ? Facts.teamId(fact) : Facts.userId(fact);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(key);
        }
        assertThat(records)
                .extracting(r -> Facts.eventId(decoder.decode(r.topic(), r.value())))
                .doesNotHaveDuplicates();
    }

    @Test
    void stopsOnRequestOnceTheFactsSentAreAcknowledged(TestInfo test) throws Exception {
        Map<FactFamily, String> topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        SimulateCommand command =
                new SimulateCommand(new CliEnvironment(environment(topics)), console.out(), console.err());
        SimulateCommand.Options untilStopped = new SimulateCommand.Options(5, 1_000, null, 0, 11, null);
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> {
            try {
                return command.run(untilStopped);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        await("simulated facts reached the topics")
                .atMost(KafkaTopics.PATIENCE)
                .until(() -> KafkaTopics.recordCount(kafka.bootstrapServers(), topics.values()) > 0);

        boolean stopped = command.stopAndAwait(Duration.ofSeconds(30));

        assertThat(stopped).as("stopped within the wait").isTrue();
        assertThat(running).succeedsWithin(KafkaTopics.PATIENCE).isEqualTo(0);
        String summary = console.printedOut();
        assertThat(summary).containsPattern("done: sent (\\d+), acknowledged \\1, failed 0");
        long sent = Long.parseLong(summary.replaceAll("(?s).*done: sent (\\d+),.*", "$1"));
        assertThat(KafkaTopics.recordCount(kafka.bootstrapServers(), topics.values()))
                .as("records on the topics")
                .isEqualTo(sent);
    }

    @Test
    void commandLineProcessExitsOnceItsCountIsPublished(TestInfo test) throws Exception {
        Map<FactFamily, String> topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        CliProcess cli = start(environment(topics), "simulate", "--count", "50", "--rate", "1000");

        cli.awaitLine("done: sent 50, acknowledged 50, failed 0");

        // the shutdown hook must not hold the exiting JVM (it used to wait 35 s for the thread calling System.exit)
        assertThat(cli.exitsWithin(EXIT_AFTER_SUMMARY))
                .as("exited after its summary")
                .isTrue();
        assertThat(cli.exitCode()).isZero();
    }

    @Test
    void commandLineProcessStopsOnSigtermAfterTheSentFactsAreAcknowledged(TestInfo test) throws Exception {
        Map<FactFamily, String> topics = KafkaTopics.createFamilyTopics(kafka.broker(), topicPrefix(test));
        CliProcess cli = start(environment(topics), "simulate", "--rate", "500");
        await("the simulation published facts")
                .atMost(KafkaTopics.PATIENCE)
                .until(() -> KafkaTopics.recordCount(kafka.bootstrapServers(), topics.values()) > 0);

        cli.process().toHandle().destroy(); // SIGTERM, as a container stop; leaves the test's end of stdout open

        String summary = cli.awaitLine("done: sent");
        assertThat(cli.exitsWithin(EXIT_AFTER_SUMMARY))
                .as("exited after its summary")
                .isTrue();
        assertThat(summary).containsPattern("done: sent (\\d+), acknowledged \\1, failed 0");
        long sent = Long.parseLong(summary.replaceAll(".*done: sent (\\d+),.*", "$1"));
        assertThat(KafkaTopics.recordCount(kafka.bootstrapServers(), topics.values()))
                .as("records on the topics")
                .isEqualTo(sent);
    }

    private static Map<String, String> environment(Map<FactFamily, String> topics) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        topics.forEach((family, topic) -> env.put("TRACKING_TOPICS_" + family.name(), topic));
        return env;
    }

    private CliProcess start(Map<String, String> env, String... args) throws IOException {
        CliProcess cli = CliProcess.start(env, args);
        started.add(cli);
        return cli;
    }

    /** The command line run as its own JVM, with the test's class path; its stdout is collected line by line. */
    private record CliProcess(Process process, List<String> lines) {
        static CliProcess start(Map<String, String> env, String... args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(FactCli.class.getName());
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().putAll(env);
            Process process = builder.start();
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    out.lines().forEach(lines::add);
                } catch (IOException | UncheckedIOException e) {
                    lines.add("stdout unreadable: " + e);
                }
            });
            reader.setDaemon(true);
            reader.start();
            return new CliProcess(process, lines);
        }

        String awaitLine(String start) {
            return await("fact-cli printed '" + start + "'")
                    .atMost(KafkaTopics.PATIENCE)
                    .until(() -> lines.stream().filter(l -> l.startsWith(start)).findFirst(), Optional::isPresent)
                    .orElseThrow();
        }

        boolean exitsWithin(Duration duration) throws InterruptedException {
            return process.waitFor(duration.toMillis(), TimeUnit.MILLISECONDS);
        }

        int exitCode() {
            return process.exitValue();
        }
    }

    @AfterEach
    void stopTheProcessesOfTheTest() {
        started.forEach(cli -> cli.process().destroyForcibly());
    }

    private static String topicPrefix(TestInfo test) {
        return "simulate-it." + test.getTestMethod().orElseThrow().getName();
    }
}
