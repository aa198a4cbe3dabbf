package dev.tracking.posthogproject.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracking.testkit.posthogapi.ApiFault;
import dev.tracking.testkit.posthogapi.ApiRequest;
import dev.tracking.testkit.posthogapi.ApiResource;
import dev.tracking.testkit.posthogapi.FakePostHogApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line against the fake PostHog REST API (a real HTTP server), with the repository's declaration. */
@Timeout(60)
class PostHogProjectCliIT {
    static final Path DECLARATION = Path.of("../../posthog/project.yaml");
    private static final String KEY = "phx_project_tool_test_key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakePostHogApi posthog;
    private Cli cli;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        posthog = FakePostHogApi.builder()
                .projectId(4242)
                .personalApiKey(KEY, "*")
                .personalApiKey(
                        "phx_read_only",
                        "cohort:read",
                        "dashboard:read",
                        "feature_flag:read",
                        "group:read",
                        "insight:read",
                        "survey:read")
                .start();
        cli = cli(KEY);
    }

    @AfterEach
    void stop() {
        posthog.close();
    }

    private Cli cli(String key) {
        return new Cli(Map.of(
                "POSTHOG_PERSONAL_API_KEY",
                key,
                "POSTHOG_PROJECT_ID",
                "4242",
                "POSTHOG_APP_HOST",
                posthog.baseUri().toString()));
    }

    private Path declarationWith(String from, String to) throws IOException {
        String text = Files.readString(DECLARATION);
        assertThat(text).as("the declaration holds %s", from).contains(from);
        Path changed = dir.resolve("project.yaml");
        Files.writeString(changed, text.replace(from, to));
        return changed;
    }

    @Test
    void planOfAnEmptyProjectCreatesEveryDeclaredObjectAndWritesNothing() {
        posthog.addGroupType("team");

        Cli.Result plan = cli.run("plan", "--file", DECLARATION.toString());

        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.out())
                .contains("group type 'team': index 0")
                .contains("+ create    cohort        engaged-users")
                .contains("+ create    insight       activation-funnel")
                .contains("+ create    feature flag  insights-engine")
                .contains("+ create    survey        why-leaving")
                .contains("Plan: 12 to create, 0 to update, 0 to delete, 0 unchanged.");
        assertThat(posthog.writes()).isEmpty();
    }

    @Test
    void applyCreatesTheProjectAndASecondApplyChangesNothing() {
        posthog.addGroupType("team");

        Cli.Result first = cli.run("apply", "--file", DECLARATION.toString());
        int writes = posthog.writes().size();
        Cli.Result second = cli.run("apply", "--file", DECLARATION.toString());

        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("Applied: 12 created, 0 updated, 0 deleted, 0 unchanged.");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out())
                .contains("Plan: 0 to create, 0 to update, 0 to delete, 12 unchanged.")
                .contains("Applied: 0 created, 0 updated, 0 deleted, 12 unchanged.");
        assertThat(posthog.writes()).as("requests that changed something").hasSize(writes);

        ObjectNode flag = posthog.flag("trends-dashboard").orElseThrow();
        assertThat(flag.path("filters").path("aggregation_group_type_index").asInt())
                .isZero();
        assertThat(flag.path("filters")
                        .path("groups")
                        .get(0)
                        .path("rollout_percentage")
                        .asInt())
                .isZero();
        assertThat(flag.path("usage_dashboard").isNull())
                .as("no usage dashboard per flag")
                .isTrue();
        assertThat(posthog.live(ApiResource.DASHBOARDS)).hasSize(1);
        JsonNode dashboard = posthog.live(ApiResource.DASHBOARDS).get(0);
        assertThat(dashboard.path("name").asText()).isEqualTo("Product analytics");
        assertThat(dashboard.path("tiles")).hasSize(4);
        assertThat(posthog.live(ApiResource.SURVEYS))
                .allSatisfy(s ->
                        assertThat(s.path("start_date").isNull()).as("a draft").isTrue());
        JsonNode activation = posthog.live(ApiResource.INSIGHTS).stream()
                .filter(i -> i.path("name").asText().equals("Activation funnel"))
                .findFirst()
                .orElseThrow();
        assertThat(activation
                        .path("query")
                        .path("source")
                        .path("funnelsFilter")
                        .path("funnelWindowInterval")
                        .asInt())
                .isEqualTo(14);
        assertThat(activation.path("description").asText()).contains("posthog-project#activation-funnel");
        assertThat(activation.path("saved").asBoolean())
                .as("listed among saved insights")
                .isTrue();
    }

    @Test
    void aChangedDeclarationPatchesOnlyTheChangedFields() throws IOException {
        posthog.addGroupType("team");
        cli.run("apply", "--file", DECLARATION.toString());
        Path changed = declarationWith("conversion_window_days: 14", "conversion_window_days: 7");
        Files.writeString(
                changed,
                Files.readString(changed)
                        .replaceFirst(
                                "key: benchmarks\n    name: Benchmarks against similar teams\n    group_type: team\n"
                                        + "    rollout_percentage: 0",
                                "key: benchmarks\n    name: Benchmarks against similar teams\n    group_type: team\n"
                                        + "    rollout_percentage: 25"));
        posthog.forgetRequests();

        Cli.Result plan = cli.run("plan", "--file", changed.toString(), "--detailed-exitcode");
        Cli.Result apply = cli.run("apply", "--file", changed.toString());

        assertThat(plan.code()).as(plan.err()).isEqualTo(ExitCodes.CHANGES_PENDING);
        assertThat(plan.out())
                .contains("~ update    insight       activation-funnel")
                .contains("query.source.funnelsFilter.funnelWindowInterval: 14 -> 7")
                .contains("~ update    feature flag  benchmarks")
                .contains("filters.groups[0].rollout_percentage: 0 -> 25")
                .contains("Plan: 0 to create, 2 to update, 0 to delete, 10 unchanged.");
        assertThat(apply.code()).as(apply.err()).isZero();
        List<ApiRequest> patches = posthog.writes();
        assertThat(patches).extracting(ApiRequest::method).containsOnly("PATCH");
        assertThat(patches)
                .extracting(r -> fieldsOf(r.body()))
                .containsExactlyInAnyOrder(List.of("query"), List.of("filters"));
        assertThat(posthog.flag("benchmarks")
                        .orElseThrow()
                        .path("filters")
                        .path("groups")
                        .get(0)
                        .path("rollout_percentage")
                        .asInt())
                .isEqualTo(25);
    }

    @Test
    void anEditMadeInPostHogIsShownAndRevertedButServerFieldsAreNot() {
        posthog.addGroupType("team");
        cli.run("apply", "--file", DECLARATION.toString());
        ObjectNode cohort = posthog.live(ApiResource.COHORTS).get(0);
        posthog.update(ApiResource.COHORTS, cohort.path("id").asText(), "{\"name\": \"Engaged (renamed by hand)\"}");

        Cli.Result plan = cli.run("plan", "--file", DECLARATION.toString());

        assertThat(plan.out())
                .contains("~ update    cohort        engaged-users")
                .contains("name: \"Engaged (renamed by hand)\" -> \"Engaged users\"")
                .doesNotContain("bytecode")
                .doesNotContain("conditionHash")
                .contains("Plan: 0 to create, 1 to update, 0 to delete, 11 unchanged.");
    }

    @Test
    void withoutTheTeamGroupTypePlanSaysSoAndApplyCreatesNothing() {
        Cli.Result plan = cli.run("plan", "--file", DECLARATION.toString());
        Cli.Result apply = cli.run("apply", "--file", DECLARATION.toString());

        assertThat(plan.code()).isEqualTo(ExitCodes.NOT_READY);
        assertThat(plan.out())
                .contains("group type 'team': MISSING")
                .contains("! blocked   feature flag  trends-dashboard");
        assertThat(apply.code()).isEqualTo(ExitCodes.NOT_READY);
        assertThat(apply.err())
                .contains("group type team does not exist in project 4242")
                .contains("nothing was changed");
        assertThat(posthog.writes()).isEmpty();
    }

    @Test
    void deletesNoLongerDeclaredObjectsOnlyWithPruneAndTheWayPostHogWants() throws IOException {
        posthog.addGroupType("team");
        cli.run("apply", "--file", DECLARATION.toString());
        String text = Files.readString(DECLARATION);
        Path smaller = dir.resolve("smaller.yaml");
        Files.writeString(
                smaller,
                text.substring(0, text.indexOf("  - id: why-leaving"))
                        .replace(
                                "  - key: benchmarks\n    name: Benchmarks against similar teams\n    group_type: team\n"
                                        + "    rollout_percentage: 0\n",
                                ""));
        posthog.forgetRequests();

        Cli.Result kept = cli.run("apply", "--file", smaller.toString());
        Cli.Result pruned = cli.run("apply", "--prune", "--file", smaller.toString());

        assertThat(kept.code()).as(kept.err()).isZero();
        assertThat(kept.out())
                .contains("? kept      survey        why-leaving")
                .contains("? kept      feature flag  benchmarks")
                .contains("no longer declared; --prune deletes it");
        assertThat(pruned.code()).as(pruned.err()).isZero();
        assertThat(pruned.out()).contains("Applied: 0 created, 0 updated, 2 deleted, 10 unchanged.");
        assertThat(posthog.writes())
                .extracting(r -> r.method() + " "
                        + r.path().replaceAll("/[0-9a-f-]{36}/", "/<uuid>/").replaceAll("/\\d+/$", "/<id>/") + " "
                        + r.body())
                .containsExactlyInAnyOrder(
                        "DELETE /api/projects/4242/surveys/<uuid>/ ",
                        "PATCH /api/projects/4242/feature_flags/<id>/ {\"deleted\":true}");
        assertThat(posthog.flag("benchmarks")).isEmpty();
        assertThat(posthog.objects(ApiResource.SURVEYS)).hasSize(2);
    }

    @Test
    void findsItsObjectsAcrossPages() {
        posthog.addGroupType("team");
        posthog.limits().pageSize(2);
        cli.run("apply", "--file", DECLARATION.toString());

        Cli.Result second = cli.run("plan", "--file", DECLARATION.toString());

        assertThat(second.out()).contains("Plan: 0 to create, 0 to update, 0 to delete, 12 unchanged.");
        assertThat(posthog.requestsTo("/insights/"))
                .anySatisfy(r -> assertThat(r.query()).contains("offset=2"));
    }

    @Test
    void waitsOutARateLimitAsRetryAfterAsks() {
        posthog.addGroupType("team");
        posthog.faults().next("POST", "/insights/", ApiFault.rateLimited(Duration.ofSeconds(3)), 1);

        Cli.Result apply = cli.run("apply", "--file", DECLARATION.toString());

        assertThat(apply.code()).as(apply.err()).isZero();
        assertThat(cli.waits).containsExactly(Duration.ofSeconds(3));
        assertThat(apply.err()).contains("PostHog rate limit (429) on create insight 'onboarding-funnel': waiting 3 s");
        assertThat(posthog.live(ApiResource.INSIGHTS)).hasSize(4);
    }

    @Test
    void aRetryAfterLongerThanTheLimitStopsTheRun() {
        posthog.addGroupType("team");
        posthog.faults().next("GET", "/cohorts/", ApiFault.rateLimited(Duration.ofSeconds(600)), 1);

        Cli.Result plan = cli.run("plan", "--file", DECLARATION.toString(), "--max-retry-wait", "30s");

        assertThat(plan.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(plan.err()).contains("asks to wait 600 s, more than --max-retry-wait 30 s");
        assertThat(cli.waits).isEmpty();
    }

    @Test
    void aRefusedFieldIsNamedWithItsObject() {
        posthog.addGroupType("team");
        posthog.faults().next("POST", "/insights/", ApiFault.validationError("query", "Unknown property filter."), 1);

        Cli.Result apply = cli.run("apply", "--file", DECLARATION.toString());

        assertThat(apply.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(apply.err())
                .contains("create insight 'onboarding-funnel': PostHog refused field 'query': Unknown property filter."
                        + " (400 invalid_input)");
    }

    @Test
    void anUnknownKeyIsRefusedWithoutPrintingIt() {
        Cli.Result plan = cli("phx_not_a_key_of_this_posthog").run("plan", "--file", DECLARATION.toString());

        assertThat(plan.code()).isEqualTo(ExitCodes.ACCESS);
        assertThat(plan.err()).contains("PostHog refused the personal API key (401 authentication_failed");
        assertThat(plan.out() + plan.err()).doesNotContain("phx_not_a_key_of_this_posthog");
    }

    @Test
    void aMissingScopeIsNamed() {
        posthog.addGroupType("team");

        Cli.Result plan = cli("phx_read_only").run("plan", "--file", DECLARATION.toString());
        Cli.Result apply = cli("phx_read_only").run("apply", "--file", DECLARATION.toString());

        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(apply.code()).isEqualTo(ExitCodes.ACCESS);
        assertThat(apply.err())
                .contains("create cohort 'engaged-users': the personal API key lacks scope 'cohort:write'")
                .contains("give the key these scopes: cohort:write, dashboard:write, feature_flag:write, group:read,"
                        + " insight:write, survey:write");
        assertThat(posthog.writes()).extracting(ApiRequest::status).containsOnly(403);
    }

    @Test
    void anUnknownProjectIsNamed() {
        Cli.Result plan = new Cli(Map.of(
                        "POSTHOG_PERSONAL_API_KEY",
                        KEY,
                        "POSTHOG_PROJECT_ID",
                        "999",
                        "POSTHOG_APP_HOST",
                        posthog.baseUri().toString()))
                .run("plan", "--file", DECLARATION.toString());

        assertThat(plan.code()).isEqualTo(ExitCodes.ACCESS);
        assertThat(plan.err())
                .contains("PostHog has no project 999 at " + posthog.baseUri())
                .contains("POSTHOG_PROJECT_ID");
    }

    @Test
    void anAnswerThatIsNotPostHogsNamesTheHost() {
        posthog.faults().next(ApiFault.notPostHog(502));
        posthog.faults().next(ApiFault.notPostHog(502));
        posthog.faults().next(ApiFault.notPostHog(502));

        Cli.Result plan = cli.run("plan", "--file", DECLARATION.toString());

        assertThat(plan.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(plan.err()).contains("is not PostHog's API: check POSTHOG_APP_HOST");
        assertThat(cli.waits)
                .as("a GET is tried three times")
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void twoObjectsWithTheSameMarkerStopApply() {
        posthog.addGroupType("team");
        cli.run("apply", "--file", DECLARATION.toString());
        ObjectNode original = posthog.live(ApiResource.COHORTS).get(0);
        posthog.create(
                ApiResource.COHORTS,
                "{\"name\": \"Copy\", \"description\": "
                        + JSON.valueToTree(original.path("description").asText()) + "}");
        posthog.forgetRequests();

        Cli.Result apply = cli.run("apply", "--file", DECLARATION.toString());

        assertThat(apply.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(apply.out()).contains("CONFLICT: 2 cohorts carry marker posthog-project#engaged-users");
        assertThat(posthog.writes()).isEmpty();
    }

    @Test
    void aSurveyDeclaredLaunchedGetsAStartDate() throws IOException {
        posthog.addGroupType("team");
        cli.run("apply", "--file", DECLARATION.toString());
        Path launched = declarationWith(
                "  - id: why-leaving\n    name: Why are you leaving?\n    description: Asked on the cancel page.\n"
                        + "    type: popover\n    launched: false",
                "  - id: why-leaving\n    name: Why are you leaving?\n    description: Asked on the cancel page.\n"
                        + "    type: popover\n    launched: true");

        Cli.Result apply = cli.run("apply", "--file", launched.toString());
        Cli.Result again = cli.run("plan", "--file", launched.toString());

        assertThat(apply.out()).contains("start_date: null -> (the time of apply: launched)");
        JsonNode survey = posthog.live(ApiResource.SURVEYS).stream()
                .filter(s -> s.path("name").asText().equals("Why are you leaving?"))
                .findFirst()
                .orElseThrow();
        assertThat(survey.path("start_date").asText()).isEqualTo("2026-03-02T09:00:00Z");
        assertThat(survey.path("questions").get(0).path("choices").get(4).asText())
                .isEqualTo("Other");
        assertThat(survey.path("questions").get(0).path("hasOpenChoice").asBoolean())
                .isTrue();
        assertThat(again.out()).contains("Plan: 0 to create, 0 to update, 0 to delete, 12 unchanged.");
    }

    private static List<String> fieldsOf(String body) {
        try {
            List<String> names = new java.util.ArrayList<>();
            JSON.readTree(body).fieldNames().forEachRemaining(names::add);
            return names;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
