package dev.tracking.replay;

import dev.tracking.client.cli.PositiveDurations;
import java.time.Duration;
import picocli.CommandLine;

/** Durations as people write them: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT10S}). */
final class Durations {
    private Durations() {}

    static Duration parse(String text) {
        Duration parsed = PositiveDurations.parseOrNull(text);
        if (parsed == null) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not a positive duration: expected such as 500ms, 10s, 5m, 1h or PT10S");
        }
        return parsed;
    }

    /** {@code 10s}, {@code 1.5s}, {@code 250ms}. */
    static String human(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : String.format(java.util.Locale.ROOT, "%.1fs", millis / 1e3);
    }

    /** Picocli's converter for duration options. */
    static final class Converter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parse(value);
        }
    }
}
