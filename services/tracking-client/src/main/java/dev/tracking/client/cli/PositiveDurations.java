package dev.tracking.client.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Durations as people write them on a command line: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, or ISO-8601
 * ({@code PT10S}). Shared by the command-line tools, each of which words its own error.
 */
public final class PositiveDurations {
    private PositiveDurations() {}

    /** The positive duration {@code text} names, or null when it names none (malformed, zero or negative). */
    public static Duration parseOrNull(String text) {
        String value = text.strip();
        try {
            Duration parsed;
            if (value.matches("\\d+ms")) {
                parsed = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            } else if (value.matches("\\d+[smh]")) {
                long amount = Long.parseLong(value.substring(0, value.length() - 1));
                parsed = switch (value.charAt(value.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            } else {
                parsed = Duration.parse(value);
            }
            return parsed.isNegative() || parsed.isZero() ? null : parsed;
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            return null;
        }
    }
}
