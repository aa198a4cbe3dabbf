package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.posthog.CapturedEvent;
import dev.tracking.testkit.posthog.EventIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer process is killed ({@code SIGKILL}, no shutdown hook, no commit) in the middle of a stream, and a second
 * process of the same group finishes the work. Nothing may be missing; an event that reaches PostHog twice must be an
 * exact repeat (same uuid, timestamp and properties, which PostHog merges); and with Redis the repeats are limited to
 * the batches in flight when the process died: at most {@value #CONCURRENCY} consumer threads × {@value
 * #MAX_POLL_RECORDS} records.
 */
@Timeout(240)
class CrashSafetyIT {
    private static final String KEY = "phc_crash";
    private static final int CONCURRENCY = 2;
    private static final int MAX_POLL_RECORDS = 100;
    private static final int FACTS = 3000;
    private static final Path JAR = Path.of("target/tracking-consumer.jar");

    @RegisterExtension
    static final StandaloneStack stack = new StandaloneStack(KEY);

    @TempDir
    Path logs;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void packagedConsumer() {
        Assumptions.assumeTrue(
                Files.exists(JAR), "CrashSafetyIT needs the packaged consumer (mvn verify builds " + JAR + " first)");
    }

    @BeforeEach
    void realisticRoundTrip() {
        // so that the stream is still flowing when the process is killed
        stack.posthog().faults().latency(Duration.ofMillis(25));
    }

    @AfterEach
    void killProcesses() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void aKilledConsumerLosesNothingAndItsSuccessorRepeatsOnlyTheBatchesInFlight() throws Exception {
        List<SpecificRecordBase> facts = FactFixtures.traffic("crash", FACTS);
        TestPublishing.publishAll(stack.publisher(), facts);
        Set<String> expected = TrackingConsumerITSupport.uuidsOf(facts);

        Process first = startConsumer("first");
        await("the first consumer is mid-stream")
                .atMost(Duration.ofSeconds(90))
                .until(() -> stack.posthog().eventCount() >= FACTS / 5);
        first.destroyForcibly().waitFor();
        long deliveredBeforeCrash = stack.posthog().eventCount();
        assertThat(deliveredBeforeCrash)
                .as("killed mid-stream, not after the end")
                .isLessThan(FACTS);

        startConsumer("second");
        await("the second consumer delivered everything")
                .atMost(Duration.ofSeconds(120))
                .until(() -> stack.posthog().events().stream()
                        .map(CapturedEvent::uuid)
                        .collect(Collectors.toSet())
                        .containsAll(expected));

        Map<EventIdentity, List<CapturedEvent>> repeats = stack.posthog().duplicatesByIdentity();
        assertThat(repeats.values())
                .as("every repeat is an exact copy of the first delivery")
                .allSatisfy(copies -> assertThat(copies)
                        .extracting(CapturedEvent::rawJson)
                        .containsOnly(copies.get(0).rawJson()));
        assertThat(repeats.size())
                .as(
                        "events repeated after the crash (bound: %d threads x %d records in flight)",
                        CONCURRENCY, MAX_POLL_RECORDS)
                .isLessThanOrEqualTo(CONCURRENCY * MAX_POLL_RECORDS);
        System.out.printf(
                "CrashSafetyIT: %d of %d events delivered before the kill, %d repeated afterwards%n",
                deliveredBeforeCrash, FACTS, repeats.size());
    }

    private Process startConsumer(String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-jar",
                        JAR.toString(),
                        "--spring.kafka.bootstrap-servers=" + stack.kafka().getBrokersAsString(),
                        "--spring.kafka.consumer.group-id=crash-safety",
                        "--spring.kafka.consumer.max-poll-records=" + MAX_POLL_RECORDS,
                        "--spring.kafka.listener.concurrency=" + CONCURRENCY,
                        // the dead member's partitions move to the successor after this, not after the default 45 s
                        "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                        "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
                        "--tracking.posthog.host=" + stack.posthog().baseUri(),
                        "--tracking.posthog.api-key=" + KEY,
                        "--tracking.posthog.batch-size=25",
                        "--tracking.dedup.store=redis",
                        "--tracking.dedup.redis.url=" + stack.redis().uri(),
                        "--tracking.topics.partitions=3",
                        "--server.port=0")
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        Process process = builder.start();
        processes.add(process);
        return process;
    }
}
