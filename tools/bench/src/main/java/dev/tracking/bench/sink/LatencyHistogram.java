package dev.tracking.bench.sink;

/**
 * Latencies in whole milliseconds, one counter per millisecond up to two minutes (longer ones are counted in the last
 * and remembered as the maximum): exact percentiles at millisecond resolution in 480 KB. Not thread-safe.
 */
public final class LatencyHistogram {
    static final int LIMIT_MS = 120_000;

    private final long[] counts = new long[LIMIT_MS + 1];
    private long total;
    private long max = Long.MIN_VALUE;

    public void record(long millis) {
        long value = Math.max(0, millis);
        counts[(int) Math.min(value, LIMIT_MS)]++;
        total++;
        max = Math.max(max, value);
    }

    public long count() {
        return total;
    }

    /** The smallest latency that at least {@code percent} % of the recorded ones do not exceed; -1 when empty. */
    public long percentile(double percent) {
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * total));
        long seen = 0;
        for (int ms = 0; ms <= LIMIT_MS; ms++) {
            seen += counts[ms];
            if (seen >= rank) {
                return ms == LIMIT_MS ? max : ms;
            }
        }
        return max;
    }

    /** The largest latency recorded; -1 when empty. */
    public long max() {
        return total == 0 ? -1 : max;
    }

    public void clear() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = Long.MIN_VALUE;
    }
}
