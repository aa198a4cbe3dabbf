package dev.tracking.consumer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.cli.FunnelSimulator;
import dev.tracking.consumer.config.DedupProperties.OnUnavailable;
import dev.tracking.consumer.decode.MovableClock;
import dev.tracking.consumer.dedup.InMemoryDedupStore;
import dev.tracking.consumer.dedup.StateFilter;
import dev.tracking.posthogproject.declaration.DeclarationReader;
import dev.tracking.posthogproject.declaration.ProjectDeclaration;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator of {@code make run} walks the product's funnels as {@code posthog/project.yaml} declares them: its
 * facts, through the consumer's real mapping and milestone stage, give every step of every funnel, lose some users at
 * each step but not all, land near the product's targets, and fill the engaged-users cohort with some users and not
 * others.
 *
 * <p>The run is {@code make run}'s ({@code fact-cli simulate --teams 50 --rate 200}: {@link FunnelSimulator}'s own
 * constructor, no turnover, facts stamped with the time they are emitted at 200 a second), seeded to be repeatable. At
 * that rate 20,000 facts span 100 s, so the 14-day conversion window and the cohort's 7 days hold the whole run; they
 * are applied all the same.
 */
class SimulatedFunnelsTest {
    private static final Path PROJECT = Path.of("../../posthog/project.yaml");
    private static final int TEAMS = 50;
    private static final Duration BETWEEN_FACTS = Duration.ofMillis(5); // --rate 200
    private static final int FACTS = 20_000;
    private static final long SEED = 42;

    /**
     * How far from a funnel's declared target (percent of entrants reaching its target step) the simulator may land
     * and still be realistic: 60 to 95 % of signups through the required onboarding steps (target 80 %), 30 to 65 % of
     * first dashboard views on to a survey response (target 50 %). The targets are what the product expects of real
     * users, so plausible simulated users land near them, on either side. Much lower means the simulator loses users
     * the product would not (or its users never do a step the funnel counts: the simulator that never onboarded
     * invitees got 10 %); above 95 % means nobody drops out, which no onboarding achieves.
     */
    private static final int POINTS_BELOW_TARGET = 20;

    private static final int POINTS_ABOVE_TARGET = 15;

    /** End to end, a real funnel keeps some of its entrants and loses some: neither 0 % nor 100 %. */
    private static final double FEWEST_CONVERTING = 0.05;

    private static final double MOST_CONVERTING = 0.95;

    private static ProjectDeclaration project;
    private static PostHogQueries posthog;
    private static Instant end;

    @BeforeAll
    static void simulateMakeRunAndDeliverItsEvents() throws Exception {
        project = DeclarationReader.read(PROJECT);
        MovableClock clock = new MovableClock(Instant.parse("2026-03-02T09:00:00Z"));
        FunnelSimulator simulator = new FunnelSimulator(SEED, TEAMS, clock);
        FactMapping mapping = FactMapping.standard();
        EventSelection selection = EventSelection.all(); // tracking.events.tiers defaults to 1,2,3
        StateFilter milestones =
                new StateFilter(new InMemoryDedupStore(Duration.ofDays(7), 1_000_000, clock), OnUnavailable.PAUSE);
        List<PostHogQueries.Delivered> delivered = new ArrayList<>();
        for (int i = 0; i < FACTS; i++) {
            SpecificRecordBase fact = simulator.next();
            List<PostHogEvent> sent = mapping.map(fact).stream()
                    .filter(event -> selection.sends(event.type()))
                    .toList();
            StateFilter.Filtered filtered = milestones.filter(sent);
            milestones.settle(filtered.taken(), Set.of(), List.of()); // PostHog accepted them all
            for (PostHogEvent event : filtered.events()) {
                PostHogQueries.Delivered person = PostHogQueries.Delivered.ofPerson(event);
                if (person != null) {
                    delivered.add(person);
                }
            }
            clock.move(BETWEEN_FACTS);
        }
        end = clock.instant();
        posthog = new PostHogQueries(delivered);
        System.out.println(table());
    }

    @Test
    void everyStepOfEveryFunnelIsReachedAndNoStepHasMoreUsersThanTheOneBefore() {
        for (ProjectDeclaration.Insight insight : funnels()) {
            List<Long> reached = posthog.funnel(insight.funnel());

            assertThat(reached).as(insight.id() + ": users per step").allMatch(count -> count > 0);
            for (int step = 1; step < reached.size(); step++) {
                assertThat(reached.get(step))
                        .as(insight.id() + ": step " + (step + 1) + " against step " + step)
                        .isLessThanOrEqualTo(reached.get(step - 1));
            }
        }
    }

    @Test
    void everyFunnelLosesSomeUsersButNotAll() {
        for (ProjectDeclaration.Insight insight : funnels()) {
            List<Long> reached = posthog.funnel(insight.funnel());

            assertThat((double) reached.get(reached.size() - 1) / reached.get(0))
                    .as(insight.id() + ": share of entrants reaching the last step " + reached)
                    .isBetween(FEWEST_CONVERTING, MOST_CONVERTING);
        }
    }

    @Test
    void funnelsWithATargetLandNearIt() {
        List<ProjectDeclaration.Insight> withTargets = funnels().stream()
                .filter(insight -> insight.funnel().target() != null)
                .toList();

        assertThat(withTargets)
                .extracting(ProjectDeclaration.Insight::id)
                .contains("onboarding-funnel", "activation-funnel");
        for (ProjectDeclaration.Insight insight : withTargets) {
            ProjectDeclaration.Target target = insight.funnel().target();
            List<Long> reached = posthog.funnel(insight.funnel());

            assertThat(100.0 * reached.get(target.step() - 1) / reached.get(0))
                    .as(insight.id() + ": percent of entrants reaching step " + target.step() + " (target "
                            + target.percent() + " %) " + reached)
                    .isBetween(
                            (double) target.percent() - POINTS_BELOW_TARGET,
                            Math.min((double) target.percent() + POINTS_ABOVE_TARGET, 100 * MOST_CONVERTING));
        }
    }

    @Test
    void theEngagedCohortHoldsSomeUsersButNotAll() {
        assertThat(project.cohorts()).isNotEmpty();
        for (ProjectDeclaration.Cohort cohort : project.cohorts()) {
            Set<String> members = posthog.cohort(cohort, end);
            Set<String> others = new TreeSet<>(posthog.persons());
            others.removeAll(members);

            assertThat(members).as(cohort.id() + ": members").isNotEmpty();
            assertThat(others).as(cohort.id() + ": users outside it").isNotEmpty();
        }
    }

    private static List<ProjectDeclaration.Insight> funnels() {
        return project.insights().stream()
                .filter(insight -> insight.funnel() != null)
                .toList();
    }

    /** The numbers, for a reader of the build log. */
    private static String table() {
        StringBuilder table = new StringBuilder("\nmake run's simulator, " + FACTS + " facts of " + TEAMS
                + " teams (seed " + SEED + "), through the consumer's mapping:\n");
        for (ProjectDeclaration.Insight insight : funnels()) {
            List<Long> reached = posthog.funnel(insight.funnel());
            ProjectDeclaration.Funnel funnel = insight.funnel();
            table.append(String.format(
                    "%n%s (window %d days%s)%n",
                    insight.id(),
                    funnel.conversionWindowDays() == null ? 14 : funnel.conversionWindowDays(),
                    funnel.target() == null
                            ? ""
                            : ", target " + funnel.target().percent() + " % at step "
                                    + funnel.target().step()));
            for (int i = 0; i < reached.size(); i++) {
                ProjectDeclaration.Step step = insight.funnel().steps().get(i);
                String where = step.where().entrySet().stream()
                        .map(e -> e.getKey() + " = " + e.getValue())
                        .collect(Collectors.joining(", "));
                table.append(String.format(
                        "  %d. %-45s %6d  %5.1f %%%n",
                        i + 1,
                        step.event() + (where.isEmpty() ? "" : " (" + where + ")"),
                        reached.get(i),
                        100.0 * reached.get(i) / Math.max(1, reached.get(0))));
            }
        }
        for (ProjectDeclaration.Cohort cohort : project.cohorts()) {
            int members = posthog.cohort(cohort, end).size();
            int persons = posthog.persons().size();
            table.append(String.format(
                    "%ncohort %s at the end of the run: %d of %d users (%.1f %%)%n",
                    cohort.id(), members, persons, 100.0 * members / persons));
        }
        return table.toString();
    }
}
