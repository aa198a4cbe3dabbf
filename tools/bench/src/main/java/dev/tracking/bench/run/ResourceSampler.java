package dev.tracking.bench.run;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Samples one process every {@code period}: CPU seconds, resident memory (and the kernel's own peak, {@code VmHWM}),
 * and optionally its heap in use (a supplier, e.g. the consumer's actuator; -1 when unknown). CPU between two moments
 * is interpolated from the samples around them.
 */
public final class ResourceSampler implements AutoCloseable {
    private final long pid;
    private final LongSupplier heapUsed;
    private final long periodMillis;
    private final Thread thread;
    private final List<long[]> cpu = new ArrayList<>(); // {wall millis, cpu micros}
    private volatile boolean running = true;
    private long peakRss;
    private long highWaterMark;
    private long peakHeap = -1;

    public ResourceSampler(String name, long pid, long periodMillis, LongSupplier heapUsed) {
        this.pid = pid;
        this.heapUsed = heapUsed;
        this.periodMillis = periodMillis;
        this.thread = new Thread(this::loop, "sample-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            sample();
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        long now = System.currentTimeMillis();
        OptionalDouble seconds = ProcStat.cpuSeconds(pid);
        if (seconds.isEmpty()) {
            return;
        }
        OptionalLong rss = ProcStat.statusBytes(pid, "VmRSS");
        OptionalLong hwm = ProcStat.statusBytes(pid, "VmHWM");
        long heap = heapUsed == null ? -1 : heapUsed.getAsLong();
        synchronized (this) {
            cpu.add(new long[] {now, (long) (seconds.getAsDouble() * 1e6)});
            peakRss = Math.max(peakRss, rss.orElse(0));
            highWaterMark = Math.max(highWaterMark, hwm.orElse(0));
            peakHeap = Math.max(peakHeap, heap);
        }
    }

    /** Takes one more sample now (call before the process ends, to catch its last CPU and memory). */
    public void sampleNow() {
        sample();
    }

    /** CPU seconds used from {@code fromMillis} to {@code toMillis} (wall clock), interpolated; NaN without samples. */
    public synchronized double cpuSecondsBetween(long fromMillis, long toMillis) {
        return (cpuMicrosAt(toMillis) - cpuMicrosAt(fromMillis)) / 1e6;
    }

    /** CPU seconds of the process from its start to the last sample. */
    public synchronized double cpuSecondsTotal() {
        return cpu.isEmpty() ? Double.NaN : cpu.get(cpu.size() - 1)[1] / 1e6;
    }

    private double cpuMicrosAt(long millis) {
        if (cpu.isEmpty()) {
            return Double.NaN;
        }
        long[] before = null;
        for (long[] sample : cpu) {
            if (sample[0] <= millis) {
                before = sample;
            } else {
                if (before == null) {
                    return sample[1];
                }
                double share = (double) (millis - before[0]) / (sample[0] - before[0]);
                return before[1] + share * (sample[1] - before[1]);
            }
        }
        return before[1];
    }

    /** The largest resident set: the kernel's {@code VmHWM} or the largest sampled {@code VmRSS}, in MB. */
    public synchronized double peakRssMegabytes() {
        return Math.max(peakRss, highWaterMark) / 1048576.0;
    }

    /** The largest sampled heap in use, in MB; -1 when not sampled. */
    public synchronized double peakHeapMegabytes() {
        return peakHeap < 0 ? -1 : peakHeap / 1048576.0;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
