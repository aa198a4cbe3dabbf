package dev.tracking.consumer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.consumer.mapping.PostHogQueries.Delivered;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Behaviour;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Cohort;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Funnel;
import dev.tracking.posthogproject.declaration.ProjectDeclaration.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostHogQueriesTest {
    private static final Instant MONDAY_9AM = Instant.parse("2026-03-02T09:00:00Z");
    private static final Funnel SIGNUP_GITHUB_DASHBOARD = new Funnel(
            7,
            null,
            List.of(
                    new Step("user_signed_up", null),
                    new Step("onboarding_step_completed", Map.of("step", "github")),
                    new Step("dashboard_first_view", null)),
            null);
    private static final Cohort VIEWED_TWICE_THIS_WEEK =
            new Cohort("viewers", "Viewers", null, List.of(new Behaviour("dashboard_viewed", 2, 7)));

    @Test
    void aPersonReachesTheStepsTheyDidInOrder() {
        PostHogQueries posthog = new PostHogQueries(List.of(
                signup("alice", 0),
                github("alice", 1),
                firstView("alice", 2),
                signup("bob", 0),
                firstView("bob", 1),
                github("bob", 2),
                signup("carol", 0),
                onboardingStep("carol", "repos", 1),
                firstView("carol", 2)));

        assertThat(posthog.funnel(SIGNUP_GITHUB_DASHBOARD)).containsExactly(3L, 2L, 1L);
    }

    @Test
    void stepsAfterTheConversionWindowDoNotCount() {
        PostHogQueries posthog = new PostHogQueries(List.of(
                signup("alice", 0),
                github("alice", 1),
                firstView("alice", Duration.ofDays(8).toMinutes())));

        assertThat(posthog.funnel(SIGNUP_GITHUB_DASHBOARD)).containsExactly(1L, 1L, 0L);
    }

    @Test
    void theCohortCountsBehavioursInItsWindowOnly() {
        Instant now = MONDAY_9AM.plus(Duration.ofDays(10));
        PostHogQueries posthog = new PostHogQueries(List.of(
                view("alice", Duration.ofDays(9).toMinutes()),
                view("alice", Duration.ofDays(9).toMinutes() + 1),
                view("bob", 0),
                view("bob", Duration.ofDays(9).toMinutes()),
                view("carol", Duration.ofDays(9).toMinutes())));

        assertThat(posthog.cohort(VIEWED_TWICE_THIS_WEEK, now)).containsExactly("alice");
        assertThat(posthog.persons()).containsExactly("alice", "bob", "carol");
    }

    private static Delivered signup(String person, long minute) {
        return event("user_signed_up", person, minute, Map.of("method", "email"));
    }

    private static Delivered github(String person, long minute) {
        return onboardingStep(person, "github", minute);
    }

    private static Delivered onboardingStep(String person, String step, long minute) {
        return event("onboarding_step_completed", person, minute, Map.of("step", step));
    }

    private static Delivered firstView(String person, long minute) {
        return event("dashboard_first_view", person, minute, Map.of());
    }

    private static Delivered view(String person, long minute) {
        return event("dashboard_viewed", person, minute, Map.of());
    }

    private static Delivered event(String name, String person, long minute, Map<String, String> properties) {
        return new Delivered(name, person, MONDAY_9AM.plus(Duration.ofMinutes(minute)), properties);
    }
}
