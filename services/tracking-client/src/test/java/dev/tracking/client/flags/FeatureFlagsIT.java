package dev.tracking.client.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracking.testkit.posthogapi.ApiRequest;
import dev.tracking.testkit.posthogapi.ApiResource;
import dev.tracking.testkit.posthogapi.FakePostHogApi;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The flags facade on PostHog's SDK against the fake's local_evaluation endpoint (a real HTTP server). */
@Timeout(60)
class FeatureFlagsIT {
    private static final String KEY = "phx_flags_reader";
    private static final String FLAG = "trends-dashboard";

    private FakePostHogApi posthog;
    private FeatureFlags flags;
    private final List<FlagCheck> exposures = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        posthog = FakePostHogApi.builder()
                .personalApiKey(KEY, "feature_flag:read")
                .start();
        int team = posthog.addGroupType("team");
        posthog.create(ApiResource.FEATURE_FLAGS, groupFlag(FLAG, team, 50));
    }

    @AfterEach
    void stop() {
        if (flags != null) {
            flags.close();
        }
        posthog.close();
    }

    private static String groupFlag(String key, int groupTypeIndex, int rollout) {
        return "{\"key\": \"" + key + "\", \"name\": \"" + key + "\", \"_should_create_usage_dashboard\": false,"
                + " \"filters\": {\"aggregation_group_type_index\": " + groupTypeIndex
                + ", \"groups\": [{\"properties\": [], \"rollout_percentage\": " + rollout + "}]}}";
    }

    private FeatureFlags flags(URI host) {
        return FeatureFlags.builder()
                .projectToken(posthog.projectToken())
                .personalApiKey(KEY)
                .host(host)
                .pollInterval(Duration.ofSeconds(1))
                .flag(FLAG, false)
                .flag("benchmarks", true)
                .exposures(exposures::add)
                .build();
    }

    private void awaitDefinitions() {
        await("flag definitions polled from the fake's local_evaluation")
                .atMost(Duration.ofSeconds(10))
                .until(flags::definitionsLoaded);
    }

    /** PostHog's rollout hash of a group key: in the rollout when at most rollout / 100. */
    private static double hash(String flag, String groupKey) throws Exception {
        byte[] digest =
                MessageDigest.getInstance("SHA-1").digest((flag + "." + groupKey).getBytes(StandardCharsets.UTF_8));
        return Long.parseLong(HexFormat.of().formatHex(digest).substring(0, 15), 16) / (double) 0xFFFFFFFFFFFFFFFL;
    }

    private static String teamWhere(boolean inside) throws Exception {
        for (int i = 0; ; i++) {
            String team = "team-" + i;
            if ((hash(FLAG, team) <= 0.5) == inside) {
                return team;
            }
        }
    }

    @Test
    void aTeamInsideTheRolloutGetsItAndOneOutsideDoesNotWithoutARequestPerCheck() throws Exception {
        flags = flags(posthog.baseUri());
        awaitDefinitions();
        String inside = teamWhere(true);
        String outside = teamWhere(false);
        long pollsBefore = posthog.requestsTo("/local_evaluation").size();

        boolean in = flags.isEnabled(FLAG, inside, "user-alice");
        boolean out = flags.isEnabled(FLAG, outside, "user-bob");
        for (int i = 0; i < 1000; i++) {
            assertThat(flags.isEnabled(FLAG, inside, "user-alice")).isTrue();
        }

        assertThat(in).isTrue();
        assertThat(out).isFalse();
        assertThat(posthog.requests())
                .as("only polls of the definitions, never a request per check")
                .extracting(ApiRequest::path)
                .containsOnly("/api/feature_flag/local_evaluation/");
        assertThat(posthog.requestsTo("/local_evaluation").size() - pollsBefore).isLessThanOrEqualTo(3);
        assertThat(posthog.requestsTo("/local_evaluation"))
                .allSatisfy(r -> assertThat(r.query()).contains("token=" + posthog.projectToken()));
        assertThat(exposures)
                .as("one exposure per (distinct id, flag, value)")
                .extracting(FlagCheck::teamId, FlagCheck::enabled, FlagCheck::source)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(inside, true, FlagCheck.Source.POSTHOG),
                        org.assertj.core.groups.Tuple.tuple(outside, false, FlagCheck.Source.POSTHOG));
    }

    @Test
    void aWholeTeamGetsTheSameAnswerWhoeverTheUser() throws Exception {
        flags = flags(posthog.baseUri());
        awaitDefinitions();
        String inside = teamWhere(true);

        assertThat(List.of("u1", "u2", "u3", "u4"))
                .allSatisfy(
                        user -> assertThat(flags.isEnabled(FLAG, inside, user)).isTrue());
        assertThat(flags.isEnabled(FLAG, inside))
                .as("a check on behalf of the team")
                .isTrue();
    }

    @Test
    void aFlagSwitchedOffIsOffAfterTheNextPoll() throws Exception {
        flags = flags(posthog.baseUri());
        awaitDefinitions();
        String inside = teamWhere(true);
        assertThat(flags.isEnabled(FLAG, inside)).isTrue();
        String id = posthog.flag(FLAG).orElseThrow().path("id").asText();

        posthog.update(ApiResource.FEATURE_FLAGS, id, "{\"active\": false}");

        await("the switched-off flag polled")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !flags.isEnabled(FLAG, inside));
        assertThat(posthog.requestsTo("/flags/")).as("no remote evaluation").isEmpty();
    }

    @Test
    void withPostHogUnreachableEveryCheckAnswersItsDeclaredDefaultAtOnce() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        flags = flags(URI.create("http://127.0.0.1:" + closedPort));

        long started = System.nanoTime();
        boolean trends = true;
        boolean benchmarks = false;
        for (int i = 0; i < 1000; i++) {
            trends = flags.isEnabled(FLAG, "acme", "user-" + i);
            benchmarks = flags.isEnabled("benchmarks", "acme", "user-" + i);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(flags.definitionsLoaded()).isFalse();
        assertThat(trends).as("declared default of " + FLAG).isFalse();
        assertThat(benchmarks).as("declared default of benchmarks").isTrue();
        assertThat(flags.isEnabled("never-declared", "acme"))
                .as("an undeclared flag defaults to off")
                .isFalse();
        assertThat(took).as("2000 checks without PostHog wait for nothing").isLessThan(Duration.ofSeconds(2));
        assertThat(exposures).allSatisfy(e -> assertThat(e.source()).isEqualTo(FlagCheck.Source.DEFAULT));
    }

    @Test
    void whenPostHogGoesDownTheLastDefinitionsKeepAnswering() throws Exception {
        flags = flags(posthog.baseUri());
        awaitDefinitions();
        String inside = teamWhere(true);
        String outside = teamWhere(false);
        posthog.faults().outage(true);
        long failedBefore =
                posthog.requests().stream().filter(r -> r.status() == 503).count();

        await("a poll refused by the outage")
                .atMost(Duration.ofSeconds(10))
                .until(() -> posthog.requests().stream()
                                .filter(r -> r.status() == 503)
                                .count()
                        > failedBefore);

        assertThat(flags.isEnabled(FLAG, inside)).isTrue();
        assertThat(flags.isEnabled(FLAG, outside)).isFalse();
    }

    @Test
    void aCheckWithoutATeamAnswersTheDefault() {
        flags = flags(posthog.baseUri());
        awaitDefinitions();

        assertThat(flags.isEnabled("benchmarks", null, "user-alice")).isTrue();
        assertThat(flags.isEnabled(FLAG, " ", "user-alice")).isFalse();
    }
}
