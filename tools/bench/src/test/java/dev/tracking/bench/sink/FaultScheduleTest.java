package dev.tracking.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
    private final FaultSchedule faults = new FaultSchedule();

    @Test
    void answersNormallyUntilToldOtherwise() {
        assertThat(faults.decide()).isInstanceOf(FaultSchedule.Normal.class);
        assertThat(faults.pending()).isFalse();
    }

    @Test
    void anOutageAnswers503UntilItEnds() {
        faults.unavailableFor(Duration.ofHours(1));

        assertThat(faults.decide()).isInstanceOf(FaultSchedule.Unavailable.class);
        assertThat(faults.decide()).isInstanceOf(FaultSchedule.Unavailable.class);
        faults.clear();
        assertThat(faults.decide()).isInstanceOf(FaultSchedule.Normal.class);
        assertThat(faults.served().unavailable()).isEqualTo(2);
    }

    @Test
    void rateLimitsExactlyTheQueuedRequestsWithTheirRetryAfter() {
        faults.rateLimitNext(2, Duration.ofSeconds(1));

        assertThat(faults.decide()).isEqualTo(new FaultSchedule.RateLimited(1));
        assertThat(faults.decide()).isEqualTo(new FaultSchedule.RateLimited(1));
        assertThat(faults.decide()).isInstanceOf(FaultSchedule.Normal.class);
        assertThat(faults.served().rateLimited()).isEqualTo(2);
    }

    @Test
    void aSlowPeriodDelaysAnswersByItsDelay() {
        faults.slowFor(Duration.ofHours(1), Duration.ofSeconds(12));

        assertThat(faults.decide()).isEqualTo(new FaultSchedule.Slow(12_000));
        assertThat(faults.pending()).isTrue();
    }

    @Test
    void anOutageComesBeforeQueued429s() {
        faults.rateLimitNext(1, Duration.ofSeconds(1));
        faults.unavailableFor(Duration.ofHours(1));

        assertThat(faults.decide()).isInstanceOf(FaultSchedule.Unavailable.class);
        faults.unavailableFor(Duration.ZERO);
        assertThat(faults.decide()).isInstanceOf(FaultSchedule.RateLimited.class);
    }
}
