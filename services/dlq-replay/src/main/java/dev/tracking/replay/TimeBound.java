package dev.tracking.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A value of {@code --since} or {@code --until}: an instant ({@code 2026-11-27T09:30:00Z}), a date ({@code
 * 2026-11-27}, midnight UTC), a local date-time (UTC), or an age ({@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}: that
 * long before now).
 */
final class TimeBound {
    private TimeBound() {}

    static Instant parse(String option, String text, Clock clock) {
        String value = text.strip();
        try {
            if (value.matches("\\d+[smhd]")) {
                long amount = Long.parseLong(value.substring(0, value.length() - 1));
                Duration age = switch (value.charAt(value.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
                return clock.instant().minus(age);
            }
            if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (value.endsWith("Z") || value.matches(".*[+-]\\d{2}:\\d{2}$")) {
                return java.time.OffsetDateTime.parse(value).toInstant();
            }
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw ReplayException.usage(option + " '" + text + "' is not valid: expected a time such as"
                    + " 2026-11-27T09:30:00Z, a date such as 2026-11-27 (UTC), or an age such as 90m, 2h or 7d");
        }
    }
}
