package dev.tracking.bench.scenario;

import dev.tracking.bench.run.ResourceSampler;
import java.util.function.LongSupplier;

/** Samplers of the three parts sharing the machine during a scenario: the relay, the broker and the benchmark JVM. */
final class Resources implements AutoCloseable {
    private static final long PERIOD_MILLIS = 250;

    private ResourceSampler relay;
    private final ResourceSampler broker;
    private final ResourceSampler bench;

    Resources(long relayPid, LongSupplier relayHeap, long brokerPid) {
        this.relay = new ResourceSampler("relay", relayPid, PERIOD_MILLIS, relayHeap);
        this.broker = brokerPid > 0 ? new ResourceSampler("broker", brokerPid, PERIOD_MILLIS, null) : null;
        this.bench = new ResourceSampler("bench", ProcessHandle.current().pid(), PERIOD_MILLIS, null);
    }

    /** Samples a restarted relay from now on. */
    void relayRestarted(long pid, LongSupplier heap) {
        relay.close();
        relay = new ResourceSampler("relay", pid, PERIOD_MILLIS, heap);
    }

    void sampleNow() {
        relay.sampleNow();
        if (broker != null) {
            broker.sampleNow();
        }
        bench.sampleNow();
    }

    /** CPU of each part from {@code from} to {@code to} (wall-clock millis), and the relay's memory. */
    void report(Metrics metrics, long from, long to) {
        metrics.put("cpu_s", relay.cpuSecondsBetween(from, to));
        metrics.put("cpu_total_s", relay.cpuSecondsTotal());
        metrics.put("rss_mb", relay.peakRssMegabytes());
        if (relay.peakHeapMegabytes() >= 0) {
            metrics.put("heap_used_mb", relay.peakHeapMegabytes());
        }
        if (broker != null) {
            metrics.put("broker_cpu_s", broker.cpuSecondsBetween(from, to));
        }
        metrics.put("bench_cpu_s", bench.cpuSecondsBetween(from, to));
    }

    @Override
    public void close() {
        relay.close();
        if (broker != null) {
            broker.close();
        }
        bench.close();
    }
}
