package dev.tracking.testkit.posthogapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FakePostHogApiIT {
    private static final String KEY = "phx_all";
    private static final String READ_ONLY = "phx_read_only";
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private FakePostHogApi posthog;

    @BeforeEach
    void start() {
        posthog = FakePostHogApi.builder()
                .projectId(42)
                .personalApiKey(KEY, "*")
                .personalApiKey(READ_ONLY, "feature_flag:read", "insight:read")
                .start();
    }

    @AfterEach
    void stop() {
        posthog.close();
    }

    private Answer call(String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        path.startsWith("http")
                                ? URI.create(path)
                                : posthog.baseUri().resolve(path))
                .timeout(Duration.ofSeconds(5))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(
                response.statusCode(),
                response.body().isEmpty() ? mapper.nullNode() : mapper.readTree(response.body()),
                response.headers());
    }

    private record Answer(int status, JsonNode json, java.net.http.HttpHeaders headers) {}

    private static String flag(String key, Integer groupTypeIndex, int rollout) {
        return "{\"key\": \"" + key + "\", \"name\": \"" + key + "\", \"_should_create_usage_dashboard\": false,"
                + " \"filters\": {\"aggregation_group_type_index\": " + groupTypeIndex
                + ", \"groups\": [{\"properties\": [], \"rollout_percentage\": " + rollout + "}]}}";
    }

    @Test
    void refusesRequestsWithoutOrWithAnUnknownKeyAndNamesTheMissingScope() throws Exception {
        Answer none = call(null, "GET", "/api/projects/42/feature_flags/", null);
        Answer unknown = call("phx_nope", "GET", "/api/projects/42/feature_flags/", null);
        Answer readOnlyWrite = call(READ_ONLY, "POST", "/api/projects/42/feature_flags/", flag("a", null, 0));
        Answer noCohortScope = call(READ_ONLY, "GET", "/api/projects/42/cohorts/", null);

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().path("code").asText()).isEqualTo("not_authenticated");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.json().path("code").asText()).isEqualTo("authentication_failed");
        assertThat(readOnlyWrite.status()).isEqualTo(403);
        assertThat(readOnlyWrite.json().path("detail").asText())
                .isEqualTo("API key missing required scope 'feature_flag:write'");
        assertThat(noCohortScope.json().path("detail").asText())
                .isEqualTo("API key missing required scope 'cohort:read'");
        assertThat(posthog.live(ApiResource.FEATURE_FLAGS)).isEmpty();
    }

    @Test
    void answers404ForAnotherProjectAndServesCurrentAndEnvironmentPaths() throws Exception {
        assertThat(call(KEY, "GET", "/api/projects/7/feature_flags/", null).status())
                .isEqualTo(404);
        assertThat(call(KEY, "GET", "/api/projects/@current/feature_flags/", null)
                        .status())
                .isEqualTo(200);
        assertThat(call(KEY, "GET", "/api/environments/42/insights/", null).status())
                .isEqualTo(200);
        assertThat(call(KEY, "GET", "/api/environments/42/feature_flags/", null).status())
                .isEqualTo(404);
    }

    @Test
    void pagesWithCountNextAndPreviousLinks() throws Exception {
        posthog.limits().pageSize(2);
        for (int i = 1; i <= 5; i++) {
            posthog.create(ApiResource.COHORTS, "{\"name\": \"cohort " + i + "\"}");
        }
        List<String> names = new ArrayList<>();
        String next = "/api/projects/42/cohorts/";
        int pages = 0;
        Answer page = null;
        while (next != null) {
            page = call(KEY, "GET", next, null);
            assertThat(page.json().path("count").asInt()).isEqualTo(5);
            page.json().path("results").forEach(c -> names.add(c.path("name").asText()));
            next = page.json().path("next").isNull()
                    ? null
                    : page.json().path("next").asText();
            pages++;
        }

        assertThat(pages).isEqualTo(3);
        assertThat(names).containsExactly("cohort 5", "cohort 4", "cohort 3", "cohort 2", "cohort 1");
        assertThat(page.json().path("previous").asText()).contains("limit=2").contains("offset=2");
    }

    @Test
    void softDeletesByPatchRefusesDeleteAndFreesTheFlagKey() throws Exception {
        Answer created = call(KEY, "POST", "/api/projects/42/feature_flags/", flag("beta", null, 10));
        int id = created.json().path("id").asInt();
        Answer duplicate = call(KEY, "POST", "/api/projects/42/feature_flags/", flag("beta", null, 20));
        Answer delete = call(KEY, "DELETE", "/api/projects/42/feature_flags/" + id + "/", null);
        Answer softDelete = call(KEY, "PATCH", "/api/projects/42/feature_flags/" + id + "/", "{\"deleted\": true}");
        Answer listed = call(KEY, "GET", "/api/projects/42/feature_flags/", null);
        Answer stillReadable = call(KEY, "GET", "/api/projects/42/feature_flags/" + id + "/", null);
        Answer recreated = call(KEY, "POST", "/api/projects/42/feature_flags/", flag("beta", null, 30));

        assertThat(created.status()).isEqualTo(201);
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.json().path("attr").asText()).isEqualTo("key");
        assertThat(duplicate.json().path("code").asText()).isEqualTo("unique");
        assertThat(delete.status()).isEqualTo(405);
        assertThat(softDelete.status()).isEqualTo(200);
        assertThat(listed.json().path("count").asInt()).isZero();
        assertThat(stillReadable.json().path("deleted").asBoolean()).isTrue();
        assertThat(recreated.status()).isEqualTo(201);
        assertThat(posthog.objects(ApiResource.FEATURE_FLAGS))
                .as("the soft-deleted flag with the same key is hard-deleted")
                .hasSize(1);
    }

    @Test
    void surveysAreDeletedForReal() throws Exception {
        Answer created = call(
                KEY,
                "POST",
                "/api/projects/42/surveys/",
                "{\"name\": \"NPS\", \"type\": \"popover\", \"questions\": [{\"type\": \"rating\", \"question\":"
                        + " \"How likely?\", \"scale\": 10, \"display\": \"number\"}]}");
        String id = created.json().path("id").asText();
        Answer deleted = call(KEY, "DELETE", "/api/projects/42/surveys/" + id + "/", null);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("questions").get(0).path("id").asText())
                .as("server-assigned question id")
                .isNotEmpty();
        assertThat(created.json().path("start_date").isNull()).as("a draft").isTrue();
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(posthog.objects(ApiResource.SURVEYS)).isEmpty();
        assertThat(call(KEY, "GET", "/api/projects/42/surveys/" + id + "/", null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void validatesGroupFlagsAndRefusesBehaviouralCohortsInFlags() throws Exception {
        String personPropertyOnGroupFlag = "{\"key\": \"x\", \"filters\": {\"aggregation_group_type_index\": 0,"
                + " \"groups\": [{\"properties\": [{\"key\": \"email\", \"value\": \"a\", \"type\": \"person\"}],"
                + " \"rollout_percentage\": 10}]}}";
        JsonNode cohort = posthog.create(
                ApiResource.COHORTS,
                "{\"name\": \"Engaged\", \"filters\": {\"properties\": {\"type\": \"OR\", \"values\": [{\"type\":"
                        + " \"behavioral\", \"key\": \"dashboard_viewed\", \"event_type\": \"events\", \"value\":"
                        + " \"performed_event\", \"time_value\": 7, \"time_interval\": \"day\"}]}}}");
        String cohortFlag =
                "{\"key\": \"y\", \"filters\": {\"groups\": [{\"properties\": [{\"key\": \"id\", \"value\": "
                        + cohort.path("id").asInt() + ", \"type\": \"cohort\"}], \"rollout_percentage\": 100}]}}";

        Answer group = call(KEY, "POST", "/api/projects/42/feature_flags/", personPropertyOnGroupFlag);
        Answer behavioural = call(KEY, "POST", "/api/projects/42/feature_flags/", cohortFlag);
        Answer badKey = call(KEY, "POST", "/api/projects/42/feature_flags/", flag("no spaces", null, 0));

        assertThat(group.status()).isEqualTo(400);
        assertThat(group.json().path("detail").asText())
                .isEqualTo("Filters are not valid (can only use group properties)");
        assertThat(behavioural.json().path("code").asText()).isEqualTo("behavioral_cohort_found");
        assertThat(badKey.json().path("code").asText()).isEqualTo("invalid_key");
        assertThat(cohort.path("filters")
                        .path("properties")
                        .path("values")
                        .get(0)
                        .has("conditionHash"))
                .as("server-computed field")
                .isTrue();
    }

    @Test
    void createsAUsageDashboardUnlessAskedNotTo() throws Exception {
        call(KEY, "POST", "/api/projects/42/feature_flags/", "{\"key\": \"with-dashboard\"}");
        call(KEY, "POST", "/api/projects/42/feature_flags/", flag("without-dashboard", null, 0));

        assertThat(posthog.live(ApiResource.DASHBOARDS))
                .extracting(d -> d.path("name").asText())
                .containsExactly("Generated Dashboard: with-dashboard Usage");
    }

    @Test
    void servesLocalEvaluationWithGroupTypeMappingAndEtag() throws Exception {
        posthog.addGroupType("team");
        call(KEY, "POST", "/api/projects/42/feature_flags/", flag("trends-dashboard", 0, 50));
        String path = "/api/feature_flag/local_evaluation/?token=" + posthog.projectToken() + "&send_cohorts";

        Answer first = call(READ_ONLY, "GET", path, null);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = http.send(
                HttpRequest.newBuilder(posthog.baseUri().resolve(path))
                        .header("Authorization", "Bearer " + READ_ONLY)
                        .header("If-None-Match", etag)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Answer wrongToken = call(READ_ONLY, "GET", "/api/feature_flag/local_evaluation/?token=phc_other", null);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("flags").get(0).path("key").asText()).isEqualTo("trends-dashboard");
        assertThat(first.json().path("group_type_mapping").path("0").asText()).isEqualTo("team");
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(wrongToken.status()).isEqualTo(404);
    }

    @Test
    void listsGroupTypesAsAPlainList() throws Exception {
        posthog.addGroupType("team");

        Answer types = call(KEY, "GET", "/api/projects/42/groups_types/", null);

        assertThat(types.json().isArray()).isTrue();
        assertThat(types.json().get(0).path("group_type").asText()).isEqualTo("team");
        assertThat(types.json().get(0).path("group_type_index").asInt()).isZero();
    }

    @Test
    void rateLimitsPerKeyWithRetryAfter() throws Exception {
        posthog.limits().insightsPerMinute(2);

        call(KEY, "GET", "/api/environments/42/insights/", null);
        call(KEY, "GET", "/api/environments/42/insights/", null);
        Answer third = call(KEY, "GET", "/api/environments/42/insights/", null);
        Answer otherBucket = call(KEY, "GET", "/api/projects/42/cohorts/", null);

        assertThat(third.status()).isEqualTo(429);
        assertThat(third.json().path("type").asText()).isEqualTo("throttled_error");
        assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 60L);
        assertThat(otherBucket.status()).isEqualTo(200);
    }

    @Test
    void appliesScriptedFaultsToMatchingRequestsOnly() throws Exception {
        posthog.faults()
                .next("POST", "/insights/", ApiFault.rateLimited(Duration.ofMillis(1500)), 1)
                .next("POST", "/insights/", ApiFault.validationError("query", "Bad query."), 1);

        Answer get = call(KEY, "GET", "/api/environments/42/insights/", null);
        Answer limited = call(KEY, "POST", "/api/environments/42/insights/", "{\"name\": \"x\"}");
        Answer invalid = call(KEY, "POST", "/api/environments/42/insights/", "{\"name\": \"x\"}");
        Answer created = call(KEY, "POST", "/api/environments/42/insights/", "{\"name\": \"x\"}");

        assertThat(get.status()).isEqualTo(200);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("2");
        assertThat(invalid.json().path("attr").asText()).isEqualTo("query");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("short_id").asText()).hasSize(8);
        assertThat(posthog.live(ApiResource.INSIGHTS)).hasSize(1);
        assertThat(posthog.faults().pending()).isZero();
    }

    @Test
    void refusesAnInsightOnAMissingDashboardNamingTheField() throws Exception {
        Answer answer = call(KEY, "POST", "/api/environments/42/insights/", "{\"name\": \"x\", \"dashboards\": [99]}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("attr").asText()).isEqualTo("dashboards");
        assertThat(answer.json().path("detail").asText()).isEqualTo("Invalid pk \"99\" - object does not exist.");
    }

    @Test
    void dashboardsShowTheirInsightsAsTiles() throws Exception {
        int dashboard = posthog.create(ApiResource.DASHBOARDS, "{\"name\": \"Product analytics\"}")
                .path("id")
                .asInt();
        posthog.create(ApiResource.INSIGHTS, "{\"name\": \"Funnel\", \"dashboards\": [" + dashboard + "]}");

        Answer answer = call(KEY, "GET", "/api/environments/42/dashboards/" + dashboard + "/", null);

        assertThat(answer.json()
                        .path("tiles")
                        .get(0)
                        .path("insight")
                        .path("name")
                        .asText())
                .isEqualTo("Funnel");
    }

    @Test
    void failsRequestsWhileAnOutageIsOn() throws IOException, InterruptedException, Exception {
        posthog.faults().outage(true);
        Answer down = call(KEY, "GET", "/api/projects/42/cohorts/", null);
        posthog.faults().outage(false);

        assertThat(down.status()).isEqualTo(503);
        assertThat(call(KEY, "GET", "/api/projects/42/cohorts/", null).status()).isEqualTo(200);
    }
}
