package dev.tracking.client.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.facts.FeatureFlagCalled;
import dev.tracking.schemas.FactValidator;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FactExposuresTest {
    private static final Instant MORNING = Instant.parse("2026-03-02T09:00:00Z");
    private static final Instant EVENING = Instant.parse("2026-03-02T21:00:00Z");
    private static final Instant NEXT_DAY = Instant.parse("2026-03-03T09:00:00Z");

    private static FlagCheck check(String user, boolean enabled, Instant at) {
        return new FlagCheck("trends-dashboard", "acme", user, enabled, FlagCheck.Source.POSTHOG, at);
    }

    @Test
    void theSameExposureOnTheSameDayIsTheSameFactId() {
        FeatureFlagCalled morning = FactExposures.toFact(check("user-bob", true, MORNING), "dashboard-service");
        FeatureFlagCalled evening = FactExposures.toFact(check("user-bob", true, EVENING), "dashboard-service");
        FeatureFlagCalled nextDay = FactExposures.toFact(check("user-bob", true, NEXT_DAY), "dashboard-service");
        FeatureFlagCalled off = FactExposures.toFact(check("user-bob", false, MORNING), "dashboard-service");
        FeatureFlagCalled alice = FactExposures.toFact(check("user-alice", true, MORNING), "dashboard-service");

        assertThat(evening.getEventId()).isEqualTo(morning.getEventId());
        assertThat(nextDay.getEventId()).isNotEqualTo(morning.getEventId());
        assertThat(off.getEventId()).isNotEqualTo(morning.getEventId());
        assertThat(alice.getEventId()).isNotEqualTo(morning.getEventId());
    }

    @Test
    void aFactOfACheckIsValidAndSaysWhereTheAnswerCameFrom() {
        FeatureFlagCalled teamLevel = FactExposures.toFact(
                new FlagCheck("benchmarks", "acme", null, true, FlagCheck.Source.DEFAULT, MORNING), "billing");

        assertThat(FactValidator.violations(teamLevel)).isEmpty();
        assertThat(teamLevel.getUserId()).isNull();
        assertThat(teamLevel.getTeamId()).isEqualTo("acme");
        assertThat(teamLevel.getFromDefault()).isTrue();
        assertThat(teamLevel.getOccurredAt()).isEqualTo(MORNING);
        assertThat(teamLevel.getSource()).isEqualTo("billing");
    }
}
