package dev.tracking.posthogproject.declaration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.schemas.FactFamily;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** posthog/project.yaml names only events and properties of the tracking plan (a misspelt funnel step fails here). */
class PostHogProjectCatalogueTest {
    private static final Path DECLARATION = Path.of("../../posthog/project.yaml");
    private static final TrackingPlanCatalogue CATALOGUE = TrackingPlanCatalogue.read();

    @Test
    void theCatalogueCoversEveryFactType() {
        assertThat(CATALOGUE.factTypes)
                .as("golden files, one per fact type of the schemas")
                .containsExactlyInAnyOrderElementsOf(FactFamily.typeNames());
        assertThat(CATALOGUE.events)
                .containsKeys(
                        "user_signed_up",
                        "dashboard_first_view",
                        "github_connected",
                        "jira_connected",
                        "slack_connected");
        assertThat(CATALOGUE.events.get("onboarding_step_completed").values().get("step"))
                .containsExactlyInAnyOrder("github", "repos", "jira", "slack");
        assertThat(CATALOGUE.groupProperties.get("team")).contains("subscription_status", "slack_connected");
        assertThat(CATALOGUE.personProperties).contains("email", "signup_date");
    }

    @Test
    void theDeclarationNamesOnlyEventsAndPropertiesOfTheTrackingPlan() throws DeclarationException {
        DeclarationCatalogueCheck check = new DeclarationCatalogueCheck(CATALOGUE);

        assertThat(check.check(DeclarationReader.read(DECLARATION))).isEmpty();
        assertThat(check.eventReferences).as("events checked").isGreaterThanOrEqualTo(20);
        assertThat(check.propertyReferences).as("event properties checked").isGreaterThanOrEqualTo(6);
    }

    @Test
    void aMisspeltEventAnUnknownPropertyOrValueAndAnUnknownGroupTypeFailTheCheck() throws DeclarationException {
        ProjectDeclaration wrong = DeclarationReader.parse("wrong.yaml", """
                insights:
                  - id: typo
                    name: Typo
                    funnel:
                      steps:
                        - event: user_signed_up
                        - event: dashbord_first_view
                        - event: onboarding_step_completed
                          where: {stepp: github}
                        - event: onboarding_step_completed
                          where: {step: gitlab}
                cohorts:
                  - id: c
                    name: C
                    any_of:
                      - {event: pr_list_exportd, at_least: 1, within_days: 7}
                feature_flags:
                  - key: f
                    name: F
                    group_type: company
                    rollout_percentage: 0
                """);

        assertThat(new DeclarationCatalogueCheck(CATALOGUE).check(wrong))
                .containsExactlyInAnyOrder(
                        "insight typo: query.source.series[1].event: 'dashbord_first_view' is not an event of the"
                                + " tracking plan",
                        "insight typo: query.source.series[2].properties[0].key: 'stepp' is not a property of"
                                + " onboarding_step_completed; its properties: [$groups, $lib, duration_seconds,"
                                + " source, step]",
                        "insight typo: query.source.series[3].properties[0].value: 'gitlab' is not a value of"
                                + " onboarding_step_completed.step; values: [github, jira, repos, slack]",
                        "cohort c: filters.properties.values[0].values[0].key: 'pr_list_exportd' is not an event of"
                                + " the tracking plan",
                        "feature flag f: group type 'company' is not one the consumer sends; known: [team]");
    }
}
