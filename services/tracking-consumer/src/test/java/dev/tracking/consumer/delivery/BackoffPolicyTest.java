package dev.tracking.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {
    private static final double MIDDLE = 0.5; // a random draw that adds no jitter

    @Test
    void waitsGrowExponentiallyFromTheInitialWait() {
        BackoffPolicy policy =
                new BackoffPolicy(Duration.ofMillis(300), 2.0, Duration.ofSeconds(30), 0.5, () -> MIDDLE);

        assertThat(IntStream.rangeClosed(1, 4).mapToObj(attempt -> policy.waitAfter(attempt, null)))
                .containsExactly(
                        Duration.ofMillis(300),
                        Duration.ofMillis(600),
                        Duration.ofMillis(1200),
                        Duration.ofMillis(2400));
    }

    @Test
    void waitsAreCappedAtTheMaximum() {
        BackoffPolicy policy = new BackoffPolicy(Duration.ofMillis(300), 2.0, Duration.ofSeconds(1), 0, () -> 0.9);

        assertThat(policy.waitAfter(10, null)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterSpreadsEachWaitWithinItsBounds() {
        BackoffPolicy low = new BackoffPolicy(Duration.ofMillis(1000), 2.0, Duration.ofSeconds(30), 0.5, () -> 0.0);
        BackoffPolicy high =
                new BackoffPolicy(Duration.ofMillis(1000), 2.0, Duration.ofSeconds(30), 0.5, () -> 0.999999);

        assertThat(low.waitAfter(1, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(high.waitAfter(1, null)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void retryAfterLongerThanTheBackoffIsHonoured() {
        BackoffPolicy policy = new BackoffPolicy(Duration.ofMillis(300), 2.0, Duration.ofSeconds(5), 0.5, () -> MIDDLE);

        assertThat(policy.waitAfter(1, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(policy.waitAfter(3, Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(1200));
    }
}
