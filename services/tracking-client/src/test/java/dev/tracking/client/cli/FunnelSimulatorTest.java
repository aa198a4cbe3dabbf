package dev.tracking.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracking.facts.OnboardingCompleted;
import dev.tracking.facts.OnboardingStep;
import dev.tracking.facts.OnboardingStepSkipped;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.facts.UserSignedUp;
import dev.tracking.schemas.FactFamily;
import dev.tracking.schemas.FactValidator;
import dev.tracking.schemas.Facts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class FunnelSimulatorTest {
    private static final Clock MONDAY_9AM = Clock.fixed(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC);
    private static final int TEAMS = 50;

    /** A long simulated run, shared by the tests that only read it. */
    private static final List<SpecificRecordBase> TWENTY_THOUSAND_FACTS = simulate(42, TEAMS, 20_000);

    @Test
    void sameSeedGivesTheSameFactsIdsIncluded() {
        List<SpecificRecordBase> first = simulate(7, 10, 2_000);
        List<SpecificRecordBase> second = simulate(7, 10, 2_000);

        assertThat(second).isEqualTo(first);
        assertThat(first).extracting(Facts::eventId).doesNotHaveDuplicates();
    }

    @Test
    void differentSeedsGiveDifferentIds() {
        List<String> ids7 = simulate(7, 10, 100).stream().map(Facts::eventId).toList();
        List<String> ids8 = simulate(8, 10, 100).stream().map(Facts::eventId).toList();

        assertThat(ids7).doesNotContainAnyElementsOf(ids8);
    }

    @Test
    void everyFactPassesTheValidator() {
        Map<String, List<String>> violationsById = new HashMap<>();
        for (SpecificRecordBase fact : TWENTY_THOUSAND_FACTS) {
            List<String> violations = FactValidator.violations(fact);
            if (!violations.isEmpty()) {
                violationsById.put(Facts.typeName(fact) + " " + Facts.eventId(fact), violations);
            }
        }

        assertThat(violationsById).isEmpty();
    }

    @Test
    void everyFactTypeAppears() {
        assertThat(TWENTY_THOUSAND_FACTS.stream().map(Facts::typeName).distinct())
                .containsExactlyInAnyOrderElementsOf(FactFamily.typeNames());
    }

    @Test
    void everyEventIdIsAVersion4Uuid() {
        assertThat(TWENTY_THOUSAND_FACTS)
                .extracting(fact -> UUID.fromString(Facts.eventId(fact)))
                .allSatisfy(id -> {
                    assertThat(id.version()).isEqualTo(4);
                    assertThat(id.variant()).isEqualTo(2);
                })
                .doesNotHaveDuplicates();
    }

    @Test
    void factsHappenAtTheClocksTime() {
        assertThat(TWENTY_THOUSAND_FACTS).extracting(Facts::occurredAt).containsOnly(MONDAY_9AM.instant());
    }

    @Test
    void someTeamsDropOffDuringOnboarding() {
        Set<String> admins = signups(signup -> signup.getTeamId() == null);
        long teamsOnboarded = count(OnboardingCompleted.class, completed -> admins.contains(completed.getUserId()));

        assertThat(admins).as("admins signing up a new team").hasSize(TEAMS);
        assertThat(teamsOnboarded)
                .as("teams completing onboarding")
                .isPositive()
                .isLessThan(admins.size());
    }

    @Test
    void inviteesGoThroughOnboardingTooAndSomeGiveUp() {
        Set<String> invitees = signups(signup -> signup.getTeamId() != null);
        long inviteesOnboarded =
                count(OnboardingCompleted.class, completed -> invitees.contains(completed.getUserId()));

        assertThat(inviteesOnboarded)
                .as("invitees completing onboarding")
                .isPositive()
                .isLessThan(invitees.size());
    }

    @Test
    void nobodySkipsARequiredOnboardingStep() {
        assertThat(TWENTY_THOUSAND_FACTS.stream()
                        .filter(OnboardingStepSkipped.class::isInstance)
                        .map(skipped -> ((OnboardingStepSkipped) skipped).getStep()))
                .isNotEmpty()
                .doesNotContain(OnboardingStep.GITHUB, OnboardingStep.REPOS);
    }

    @Test
    void teamMemberCountIsTheNumberOfItsSignupsSoFar() {
        Map<String, Integer> invitees = new HashMap<>();
        List<String> mismatches = new ArrayList<>();
        int profileUpdates = 0;
        for (SpecificRecordBase fact : TWENTY_THOUSAND_FACTS) {
            if (fact instanceof UserSignedUp signup && signup.getTeamId() != null) {
                invitees.merge(signup.getTeamId(), 1, Integer::sum);
            } else if (fact instanceof TeamProfileUpdated profile) {
                profileUpdates++;
                int expected = 1 + invitees.getOrDefault(profile.getTeamId(), 0); // the admin and the invitees
                if (profile.getMemberCount() != expected) {
                    mismatches.add(profile.getTeamId() + ": " + profile.getMemberCount() + " members reported, "
                            + expected + " signed up");
                }
            }
        }

        assertThat(invitees).as("teams that invited members").isNotEmpty();
        assertThat(profileUpdates).isGreaterThan(TEAMS);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void factsComeFromEveryTeam() {
        Map<String, Long> factsPerTeam = TWENTY_THOUSAND_FACTS.stream()
                .map(Facts::teamId)
                .filter(team -> team != null)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

        assertThat(factsPerTeam).hasSize(TEAMS);
    }

    @Test
    void withoutTurnoverALongRunEndsWithOnlyDashboardViews() {
        List<SpecificRecordBase> lastQuarter = TWENTY_THOUSAND_FACTS.subList(15_000, 20_000);

        assertThat(lastQuarter.stream().map(Facts::typeName).distinct()).containsOnly("DashboardViewed");
    }

    @Test
    void withTurnoverNewTeamsReplaceChurnedOnesAndTheMixLasts() {
        FunnelSimulator simulator = FunnelSimulator.withTurnover(42, TEAMS, MONDAY_9AM);
        List<SpecificRecordBase> facts =
                IntStream.range(0, 20_000).mapToObj(i -> simulator.next()).toList();
        List<SpecificRecordBase> lastQuarter = facts.subList(15_000, 20_000);
        long newTeams = facts.stream()
                .filter(fact -> fact instanceof UserSignedUp signup && signup.getTeamId() == null)
                .count();

        assertThat(newTeams).as("admins signing up a new team").isGreaterThan(TEAMS);
        assertThat(lastQuarter.stream().map(Facts::typeName).distinct())
                .contains("UserSignedUp", "OnboardingCompleted", "SubscriptionStarted", "AnalyticsViewed");
        assertThat(facts).extracting(Facts::eventId).doesNotHaveDuplicates();
    }

    @Test
    void refusesFewerThanOneTeam() {
        assertThatThrownBy(() -> new FunnelSimulator(1, 0, MONDAY_9AM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
    }

    private static <T extends SpecificRecordBase> long count(Class<T> type, Predicate<T> which) {
        return TWENTY_THOUSAND_FACTS.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(which)
                .count();
    }

    private static Set<String> signups(Predicate<UserSignedUp> which) {
        return TWENTY_THOUSAND_FACTS.stream()
                .filter(UserSignedUp.class::isInstance)
                .map(UserSignedUp.class::cast)
                .filter(which)
                .map(UserSignedUp::getUserId)
                .collect(Collectors.toSet());
    }

    private static List<SpecificRecordBase> simulate(long seed, int teams, int facts) {
        FunnelSimulator simulator = new FunnelSimulator(seed, teams, MONDAY_9AM);
        return IntStream.range(0, facts).mapToObj(i -> simulator.next()).toList();
    }
}
