package dev.tracking.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreExactToTheMillisecond() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int ms = 1; ms <= 100; ms++) {
            histogram.record(ms);
        }

        assertThat(histogram.percentile(50)).isEqualTo(50);
        assertThat(histogram.percentile(99)).isEqualTo(99);
        assertThat(histogram.percentile(100)).isEqualTo(100);
        assertThat(histogram.max()).isEqualTo(100);
        assertThat(histogram.count()).isEqualTo(100);
    }

    @Test
    void latenciesBeyondTwoMinutesKeepTheirMaximum() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(5);
        histogram.record(300_000);

        assertThat(histogram.percentile(99)).isEqualTo(300_000);
        assertThat(histogram.max()).isEqualTo(300_000);
    }

    @Test
    void negativeLatenciesCountAsZeroAndEmptyIsMinusOne() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertThat(histogram.percentile(50)).isEqualTo(-1);
        assertThat(histogram.max()).isEqualTo(-1);

        histogram.record(-3); // a clock step between publisher and sink

        assertThat(histogram.percentile(50)).isZero();
    }
}
