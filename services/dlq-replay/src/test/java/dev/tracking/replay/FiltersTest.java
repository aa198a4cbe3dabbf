package dev.tracking.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing of filter values and the progress line; no broker. */
class FiltersTest {
    private static final Clock NOON = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0:120-180, 0, 120, 180", "2:15, 2, 15, 15", "11:0-0, 11, 0, 0"})
    void offsetsTakeARangeOrOneOffset(String text, int partition, long from, long to) {
        assertThat(OffsetRange.parse(text)).isEqualTo(new OffsetRange(partition, from, to));
    }

    @Test
    void anOffsetRangeIncludesBothEndsOfItsPartitionOnly() {
        OffsetRange range = OffsetRange.parse("1:10-12");

        assertThat(range.contains(1, 10)).isTrue();
        assertThat(range.contains(1, 12)).isTrue();
        assertThat(range.contains(1, 13)).isFalse();
        assertThat(range.contains(0, 11)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "'2026-11-27T09:30:00Z', 2026-11-27T09:30:00Z",
        "2026-11-26, 2026-11-26T00:00:00Z",
        "90m," + " 2026-11-27T10:30:00Z",
        "2h, 2026-11-27T10:00:00Z",
        "7d, 2026-11-20T12:00:00Z",
        "2026-11-27T08:00:00," + " 2026-11-27T08:00:00Z",
        "2026-11-27T09:00:00+01:00, 2026-11-27T08:00:00Z"
    })
    void timesAreInstantsDatesOrAges(String text, Instant expected) {
        assertThat(TimeBound.parse("--since", text, NOON)).isEqualTo(expected);
    }

    @Test
    void aTimeThatIsNoneOfThoseIsRefusedNamingIt() {
        assertThatThrownBy(() -> TimeBound.parse("--until", "3 weeks", NOON))
                .isInstanceOf(ReplayException.class)
                .hasMessageContaining("--until '3 weeks' is not valid");
    }

    @Test
    void plainProgressSaysCountsRateAndTimeLeft() {
        long[] now = {0};
        ProgressReport report = new ProgressReport(System.out, false, 500, () -> now[0]);

        assertThat(report.line(120, 2_500_000_000L))
                .isEqualTo("replayed 120 of 500 (24%), 48 records/s, about 8s left");
    }

    @Test
    void aTerminalGetsABar() {
        ProgressReport report = new ProgressReport(System.out, true, 10, () -> 0L);

        assertThat(report.line(5, 1_000_000_000L)).startsWith("[###############...............] 5/10  50% 5/s ETA 1s");
    }
}
