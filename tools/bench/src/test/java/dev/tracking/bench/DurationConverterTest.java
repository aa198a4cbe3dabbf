package dev.tracking.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsSpringStyleAndIsoDurations() {
        assertThat(converter.convert("20ms")).isEqualTo(Duration.ofMillis(20));
        assertThat(converter.convert("3s")).isEqualTo(Duration.ofSeconds(3));
        assertThat(converter.convert("4m")).isEqualTo(Duration.ofMinutes(4));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(converter.convert("0ms")).isZero();
    }

    @Test
    void namesTheValueItCannotRead() {
        assertThatThrownBy(() -> converter.convert("20x"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'20x'");
        assertThatThrownBy(() -> converter.convert("PT-1S"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("negative");
    }
}
