package dev.tracking.posthogproject.declaration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DeclarationReaderTest {

    private static DeclarationException problemsOf(String yaml) {
        try {
            DeclarationReader.parse("p.yaml", yaml);
        } catch (DeclarationException e) {
            return e;
        }
        throw new AssertionError("expected the declaration to be refused:\n" + yaml);
    }

    @Test
    void readsTheRepositorysDeclaration() throws DeclarationException {
        ProjectDeclaration declaration = DeclarationReader.read(Path.of("../../posthog/project.yaml"));

        assertThat(declaration.insights())
                .extracting(ProjectDeclaration.Insight::id)
                .containsExactly(
                        "onboarding-funnel",
                        "onboarding-funnel-with-integrations",
                        "activation-funnel",
                        "signups-and-subscriptions-weekly");
        assertThat(declaration.insights().get(2).funnel().conversionWindowDays())
                .isEqualTo(14);
        assertThat(declaration.insights().get(0).funnel().steps().get(1).where())
                .containsEntry("step", "github");
        assertThat(declaration.cohorts().get(0).anyOf()).hasSize(3);
        assertThat(declaration.featureFlags())
                .extracting(ProjectDeclaration.FeatureFlag::key)
                .containsExactly("trends-dashboard", "benchmarks", "insights-engine");
        assertThat(declaration.featureFlags()).allSatisfy(f -> {
            assertThat(f.groupType()).isEqualTo("team");
            assertThat(f.rolloutPercentage()).isZero();
        });
        assertThat(declaration.surveys())
                .allSatisfy(s -> assertThat(s.launched()).isFalse());
        assertThat(declaration.surveys().get(2).questions().get(0).openChoice()).isEqualTo("Other");
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndTheValidKeys() {
        DeclarationException e = problemsOf("""
                insights:
                  - id: a
                    name: A
                    funnel:
                      windw: 3
                      steps: [{event: x}, {event: y}]
                """);

        assertThat(e.problems())
                .containsExactly("p.yaml:5: unknown key 'windw' in insights[0].funnel; valid keys:"
                        + " conversion_window_days, order, steps, target");
    }

    @Test
    void aValueOfTheWrongTypeIsNamed() {
        DeclarationException e = problemsOf("""
                feature_flags:
                  - key: a
                    name: A
                    rollout_percentage: lots
                """);

        assertThat(e.getMessage())
                .startsWith("p.yaml:4: ")
                .contains("rollout_percentage")
                .contains("'lots'");
    }

    @Test
    void everyInvalidValueIsReportedWithWhatIsValid() {
        DeclarationException e = problemsOf("""
                insights:
                  - id: bad id
                    name: X
                    funnel:
                      conversion_window_days: 0
                      order: sideways
                      steps: [{event: only_one}]
                  - id: t
                    name: T
                    trend: {interval: fortnight, date_from: yesterday, series: [{event: e}]}
                dashboards:
                  - id: d
                    name: D
                    insights: [t, missing]
                feature_flags:
                  - key: "no spaces"
                    name: F
                    rollout_percentage: 101
                surveys:
                  - id: s
                    name: S
                    type: banner
                    questions:
                      - {type: rating, question: Q, scale: 4}
                      - {type: single_choice, question: Q}
                """);

        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "p.yaml: insights[bad id].id: 'bad id' is not a valid id: letters, digits, - and _",
                        "p.yaml: insights[bad id].funnel.steps: a funnel needs at least 2 steps, got 1",
                        "p.yaml: insights[bad id].funnel.conversion_window_days: 0 is not valid: 1 to 365 days",
                        "p.yaml: insights[bad id].funnel.order: 'sideways' is not valid: one of [ordered, strict,"
                                + " unordered]",
                        "p.yaml: insights[t].trend.interval: 'fortnight' is not valid: one of [day, hour, month,"
                                + " week]",
                        "p.yaml: insights[t].trend.date_from: 'yesterday' is not valid: a relative date such as -90d,"
                                + " -12w, -6m",
                        "p.yaml: dashboards[d].insights: 'missing' is not a declared insight; declared: [t]",
                        "p.yaml: feature_flags[no spaces].key: 'no spaces' is not a valid flag key: letters, digits,"
                                + " - and _",
                        "p.yaml: feature_flags[no spaces].rollout_percentage: '101' is not valid: 0 to 100",
                        "p.yaml: surveys[s].type: 'banner' is not valid: one of [api, popover, widget]",
                        "p.yaml: surveys[s].questions[0].scale: '4' is not valid: one of [2, 3, 5, 7, 10] (10 is 0"
                                + " to 10)",
                        "p.yaml: surveys[s].questions[1].choices: missing: list the answers");
    }

    @Test
    void aFunnelTargetNamesAStepOfTheFunnelAndAPercentage() {
        DeclarationException e = problemsOf("""
                insights:
                  - id: f
                    name: F
                    funnel:
                      target: {percent: 120, step: 5}
                      steps: [{event: a}, {event: b}, {event: c}]
                """);

        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "p.yaml: insights[f].funnel.target.percent: '120' is not valid: 1 to 100",
                        "p.yaml: insights[f].funnel.target.step: '5' is not valid: a step number from 2 to 3");
    }

    @Test
    void aMissingFileSaysWhereTheDeclarationIs() {
        assertThatThrownBy(() -> DeclarationReader.read(Path.of("nowhere.yaml")))
                .isInstanceOf(DeclarationException.class)
                .hasMessage("nowhere.yaml: no such file (the declaration is posthog/project.yaml at the repository"
                        + " root; --file names another)");
    }
}
