package dev.tracking.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void alignsTextLeftAndNumbersRight() {
        String table = new TextTable("relay", "facts/s", "note")
                .row("tracking", 39_000.4, "")
                .row("sdk", 709.0, "measured for 30 s")
                .toString();

        assertThat(table).isEqualTo("""
                        relay     facts/s  note
                        ------------------------------------
                        tracking   39,000\s\s
                        sdk           709  measured for 30 s
                        """);
    }

    @Test
    void writesMissingFiguresAsDashes() {
        assertThat(TextTable.format(null)).isEqualTo("-");
        assertThat(TextTable.format(Double.NaN)).isEqualTo("-");
        assertThat(TextTable.format(1.234)).isEqualTo("1.23");
        assertThat(TextTable.format(12.34)).isEqualTo("12.3");
        assertThat(TextTable.format(1234567L)).isEqualTo("1,234,567");
    }

    @Test
    void refusesARowOfTheWrongWidth() {
        assertThatThrownBy(() -> new TextTable("a", "b").row("only one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 cells");
    }
}
