package dev.tracking.bench.scenario;

import dev.tracking.bench.data.BenchTopics;
import dev.tracking.bench.run.KafkaProbe;
import dev.tracking.bench.sink.BatchSink;
import java.nio.file.Path;

/**
 * What every scenario of one run shares.
 *
 * @param runId names the run's topics ({@code bench-<runId>-...}) and consumer groups
 * @param sink the fast PostHog endpoint
 * @param probe the broker's admin client
 * @param brokerPid the broker JVM, for its CPU time (-1 when unknown)
 * @param data the topics holding the pre-loaded facts
 * @param expectedEvents events the pre-loaded facts should produce
 * @param logs where relay logs go
 */
public record BenchContext(
        String runId,
        BatchSink sink,
        KafkaProbe probe,
        long brokerPid,
        BenchTopics data,
        long expectedEvents,
        Path logs) {

    /** A consumer group of its own for each scenario and relay, so every one reads the data from the start. */
    String group(String scenario, RelayLauncher relay) {
        return "bench-" + runId + "-" + scenario + "-" + relay.name();
    }
}
