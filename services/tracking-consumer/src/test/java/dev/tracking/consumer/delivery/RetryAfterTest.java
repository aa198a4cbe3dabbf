package dev.tracking.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Clock NOON = Clock.fixed(Instant.parse("2026-03-02T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void readsSeconds() {
        assertThat(HttpPostHogTransport.retryAfter(" 30 ", NOON)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void readsAnHttpDate() {
        assertThat(HttpPostHogTransport.retryAfter("Mon, 02 Mar 2026 12:00:45 GMT", NOON))
                .isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void aDateInThePastMeansNoWait() {
        assertThat(HttpPostHogTransport.retryAfter("Mon, 02 Mar 2026 11:00:00 GMT", NOON))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void ignoresWhatItCannotRead() {
        assertThat(HttpPostHogTransport.retryAfter("soon", NOON)).isNull();
        assertThat(HttpPostHogTransport.retryAfter("-5", NOON)).isNull();
    }
}
