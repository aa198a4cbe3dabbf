package dev.tracking.replay;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a replay: on a terminal a bar redrawn in place ({@code [#####.....] 120/500 24% 48/s ETA 8s}), otherwise
 * a plain line every few seconds and at the end, for logs.
 */
final class ProgressReport {
    private static final int WIDTH = 30;
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
    private static final long BAR_EVERY_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final int total;
    private final LongSupplier nanos;
    private final long started;
    private long lastPrinted;

    ProgressReport(PrintStream out, boolean terminal, int total, LongSupplier nanos) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
        this.lastPrinted = started;
    }

    /** {@code done} records acknowledged so far; printed when enough time has passed since the last print. */
    void update(int done) {
        long now = nanos.getAsLong();
        if (now - lastPrinted >= (terminal ? BAR_EVERY_NANOS : PLAIN_EVERY_NANOS)) {
            print(done, now);
        }
    }

    /** The last state, always printed (a terminal's bar then ends its line). */
    void finish(int done) {
        print(done, nanos.getAsLong());
        if (terminal) {
            out.println();
        }
    }

    private void print(int done, long now) {
        lastPrinted = now;
        out.print(terminal ? "\r" + line(done, now) : line(done, now) + System.lineSeparator());
        out.flush();
    }

    /** The text of one report. */
    String line(int done, long now) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        int percent = total == 0 ? 100 : (int) (100L * done / total);
        String eta = done == 0 || rate <= 0 ? "?" : formatSeconds((total - done) / rate);
        if (!terminal) {
            return String.format(
                    Locale.ROOT,
                    "replayed %d of %d (%d%%), %.0f records/s, about %s left",
                    done,
                    total,
                    percent,
                    rate,
                    eta);
        }
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        return String.format(
                Locale.ROOT,
                "[%s%s] %d/%d %3d%% %.0f/s ETA %s ",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                done,
                total,
                percent,
                rate,
                eta);
    }

    static String formatSeconds(double seconds) {
        long whole = Math.round(Math.ceil(seconds));
        if (whole < 60) {
            return whole + "s";
        }
        return whole / 60 + "m" + String.format(Locale.ROOT, "%02d", whole % 60) + "s";
    }
}
