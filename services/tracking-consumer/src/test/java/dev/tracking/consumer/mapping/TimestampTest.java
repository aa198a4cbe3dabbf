package dev.tracking.consumer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampTest {
    private static final DateTimeFormatter REFERENCE = DateTimeFormatter.ofPattern(
                    "uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Test
    void writesIsoUtcWithMillisecondsEvenWhenTheyAreZero() {
        assertThat(EventBuilder.timestamp(Instant.parse("2026-03-02T09:00:00Z")))
                .isEqualTo("2026-03-02T09:00:00.000Z");
        assertThat(EventBuilder.timestamp(Instant.EPOCH.plusMillis(1))).isEqualTo("1970-01-01T00:00:00.001Z");
        assertThat(EventBuilder.timestamp(Instant.parse("2028-02-29T23:59:59.999Z")))
                .isEqualTo("2028-02-29T23:59:59.999Z");
    }

    @Test
    void agreesWithTheJdkFormatterOverFiveCenturies() {
        Random random = new Random(11);
        long from = Instant.parse("1800-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2300-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochMilli(from + (long) (random.nextDouble() * (to - from)));
            assertThat(EventBuilder.timestamp(instant)).isEqualTo(REFERENCE.format(instant));
        }
    }
}
