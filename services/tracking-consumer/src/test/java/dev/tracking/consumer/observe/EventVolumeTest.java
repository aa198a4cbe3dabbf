package dev.tracking.consumer.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.consumer.decode.MovableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventVolumeTest {

    @Test
    void countsTodayAndThisMonthPerEventAndProjectsTheMonthFromTheRateSinceItBegan() {
        MovableClock clock = new MovableClock(Instant.parse("2026-04-01T00:00:00Z")); // April: 30 days
        EventVolume volume = new EventVolume(clock, 1_000_000);
        volume.accepted("dashboard_viewed", 20_000);
        clock.move(Duration.ofDays(2));
        volume.accepted("dashboard_viewed", 30_000);
        volume.accepted("user_signed_up", 1_000);
        clock.move(Duration.ofDays(1)); // three days of April seen

        EventVolume.Snapshot snapshot = volume.snapshot();

        assertThat(snapshot.month()).isEqualTo("2026-04");
        assertThat(snapshot.events().get("dashboard_viewed")).isEqualTo(new EventVolume.EventCount(0, 50_000, 500_000));
        assertThat(snapshot.events().get("user_signed_up")).isEqualTo(new EventVolume.EventCount(0, 1_000, 10_000));
        assertThat(snapshot.thisMonth()).isEqualTo(51_000);
        assertThat(snapshot.projectedThisMonth()).isEqualTo(510_000);
        assertThat(snapshot.projectedPercentOfAllowance()).isEqualTo(51.0);
        assertThat(snapshot.overAllowance()).isFalse();
    }

    @Test
    void aProcessStartedMidMonthProjectsFromWhatItSawSinceItStarted() {
        MovableClock clock = new MovableClock(Instant.parse("2026-04-16T00:00:00Z"));
        EventVolume volume = new EventVolume(clock, 100_000);
        clock.move(Duration.ofHours(12));
        volume.accepted("analytics_viewed", 5_000); // 5,000 in half a day: 300,000 over 30 days

        EventVolume.Snapshot snapshot = volume.snapshot();

        assertThat(snapshot.countedSince()).isEqualTo(Instant.parse("2026-04-16T00:00:00Z"));
        assertThat(snapshot.events().get("analytics_viewed"))
                .isEqualTo(new EventVolume.EventCount(5_000, 5_000, 300_000));
        assertThat(snapshot.overAllowance()).isTrue();
        assertThat(snapshot.projectedPercentOfAllowance()).isEqualTo(300.0);
    }

    @Test
    void aNewMonthStartsFromZero() {
        MovableClock clock = new MovableClock(Instant.parse("2026-04-30T23:00:00Z"));
        EventVolume volume = new EventVolume(clock, 1_000_000);
        volume.accepted("pr_list_exported", 7);
        clock.move(Duration.ofHours(2));
        volume.accepted("pr_list_exported", 1);

        EventVolume.Snapshot snapshot = volume.snapshot();

        assertThat(snapshot.month()).isEqualTo("2026-05");
        assertThat(snapshot.events().get("pr_list_exported").today()).isEqualTo(1);
        assertThat(snapshot.events().get("pr_list_exported").thisMonth()).isEqualTo(1);
    }
}
