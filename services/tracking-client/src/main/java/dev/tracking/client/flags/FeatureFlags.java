package dev.tracking.client.flags;

import com.posthog.FeatureFlagResult;
import com.posthog.server.PostHog;
import com.posthog.server.PostHogConfig;
import com.posthog.server.PostHogFeatureFlagResultOptions;
import com.posthog.server.PostHogInterface;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feature flags for product services, evaluated locally by PostHog's server SDK ({@code com.posthog:posthog-server}).
 *
 * <pre>{@code
 * FeatureFlags flags = FeatureFlags.builder()
 *         .projectToken("phc_...").personalApiKey("phx_...")   // the key is never logged
 *         .flag("trends-dashboard", false)                      // declared default
 *         .exposures(new FactExposures(publisher, "dashboard-service"))
 *         .build();
 * if (flags.isEnabled("trends-dashboard", teamId, userId)) { ... }
 * }</pre>
 *
 * <p>Contract:
 *
 * <ul>
 *   <li><b>No request per check.</b> With the personal API key the SDK polls the flag definitions ({@code GET
 *       /api/feature_flag/local_evaluation/}, every {@code pollInterval}, 30 s by default, with ETags) and evaluates
 *       each check in memory.
 *   <li><b>Per team.</b> Flags are released per group of type {@code team} (changeable with {@link
 *       Builder#groupType}): the check passes the team as the group key, so a whole team gets the same answer,
 *       whoever the user is.
 *   <li><b>When PostHog cannot be reached</b> the answer is the flag's declared default ({@link Builder#flag}; false
 *       for an undeclared flag) until the first definitions arrive; after that, the last definitions received keep
 *       being used. Checks made before the first definitions arrive return at once, without asking PostHog (the SDK
 *       would otherwise fall back to a remote {@code /flags} request per check). A check never throws.
 *   <li>A flag PostHog does not define (deleted, misspelt) is the one case where the SDK asks PostHog remotely ({@code
 *       POST /flags}), once per team and user and then cached; PostHog answers it is off. Declare flags in {@code
 *       posthog/project.yaml} so that they exist.
 *   <li>The SDK's own {@code $feature_flag_called} events are off (they would bypass our pipeline: no dedup, lost on
 *       a 4xx or on exit); the first answer of each (distinct id, flag, value) goes to {@link FlagExposures} instead.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops the polling.
 */
public final class FeatureFlags implements AutoCloseable {
    /** PostHog's US ingestion host, which serves flag definitions; EU: {@code https://eu.i.posthog.com}. */
    public static final URI DEFAULT_HOST = URI.create("https://us.i.posthog.com");

    private static final Logger log = LoggerFactory.getLogger(FeatureFlags.class);
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final PostHogInterface posthog;
    private final Map<String, Boolean> defaults;
    private final String groupType;
    private final FlagExposures exposures;
    private final Clock clock;
    private final AtomicBoolean definitionsLoaded = new AtomicBoolean();
    private final Set<String> reported;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    private FeatureFlags(Builder builder) {
        this.defaults = Map.copyOf(builder.defaults);
        this.groupType = builder.groupType;
        this.exposures = builder.exposures;
        this.clock = builder.clock;
        int cacheSize = builder.exposureCacheSize;
        this.reported = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > cacheSize;
            }
        }));
        PostHogConfig config = PostHogConfig.builder(builder.projectToken)
                .host(builder.host.toString())
                .personalApiKey(builder.personalApiKey)
                .localEvaluation(true)
                .pollIntervalSeconds(builder.pollIntervalSeconds())
                .sendFeatureFlagEvent(false)
                .preloadFeatureFlags(false)
                .onFeatureFlags(this::definitionsArrived)
                .build();
        this.posthog = PostHog.with(config);
    }

    /** A builder; project token and personal API key are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@link #isEnabled(String, String, String)} for a check made on behalf of a team, with no acting user. */
    public boolean isEnabled(String flag, String teamId) {
        return isEnabled(flag, teamId, null);
    }

    /**
     * Whether {@code flag} is on for team {@code teamId}; {@code userId} (may be {@code null}) is who is acting, for
     * the exposure reported to analysts. Never throws; see the class contract for the answer when PostHog cannot be
     * reached.
     */
    public boolean isEnabled(String flag, String teamId, String userId) {
        boolean fallback = defaults.getOrDefault(flag, false);
        if (flag == null || teamId == null || teamId.isBlank() || !definitionsLoaded.get()) {
            return answer(flag, teamId, userId, fallback, FlagCheck.Source.DEFAULT);
        }
        try {
            String distinctId = userId != null ? userId : "team:" + teamId;
            FeatureFlagResult result = posthog.getFeatureFlagResult(
                    distinctId,
                    flag,
                    new PostHogFeatureFlagResultOptions.Builder()
                            .group(groupType, teamId)
                            .sendFeatureFlagEvent(false)
                            .build());
            if (result == null) {
                return answer(flag, teamId, userId, fallback, FlagCheck.Source.DEFAULT);
            }
            boolean enabled = result.getEnabled() || result.getVariant() != null;
            return answer(flag, teamId, userId, enabled, FlagCheck.Source.POSTHOG);
        } catch (RuntimeException e) {
            warn("feature flag {} could not be evaluated ({}); answering its default {}", flag, e.toString(), fallback);
            return answer(flag, teamId, userId, fallback, FlagCheck.Source.DEFAULT);
        }
    }

    /** Whether flag definitions have arrived from PostHog at least once (until then every check answers its default). */
    public boolean definitionsLoaded() {
        return definitionsLoaded.get();
    }

    @Override
    public void close() {
        posthog.close();
    }

    private void definitionsArrived() {
        if (definitionsLoaded.compareAndSet(false, true)) {
            log.info("feature flag definitions received from PostHog; evaluating locally");
        }
    }

    private boolean answer(String flag, String teamId, String userId, boolean enabled, FlagCheck.Source source) {
        if (exposures != FlagExposures.NONE && flag != null && teamId != null) {
            String distinct = userId != null ? userId : "team:" + teamId;
            if (reported.add(distinct + '\u001f' + flag + '\u001f' + enabled)) {
                try {
                    exposures.flagChecked(new FlagCheck(flag, teamId, userId, enabled, source, clock.instant()));
                } catch (RuntimeException e) {
                    warn(
                            "reporting the check of feature flag {} failed ({}); the answer {} stands",
                            flag,
                            e.toString(),
                            enabled);
                }
            }
        }
        return enabled;
    }

    private void warn(String format, Object... arguments) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            log.warn(format, arguments);
        } else {
            log.debug(format, arguments);
        }
    }

    /** Options of {@link FeatureFlags}. */
    public static final class Builder {
        private String projectToken;
        private String personalApiKey;
        private URI host = DEFAULT_HOST;
        private Duration pollInterval = Duration.ofSeconds(30);
        private String groupType = "team";
        private final Map<String, Boolean> defaults = new ConcurrentHashMap<>();
        private FlagExposures exposures = FlagExposures.NONE;
        private int exposureCacheSize = 50_000;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The project's API token ({@code phc_...}), which names the project whose flags are read. */
        public Builder projectToken(String projectToken) {
            this.projectToken = Objects.requireNonNull(projectToken, "projectToken");
            return this;
        }

        /** A personal API key ({@code phx_...}) with scope {@code feature_flag:read}; never logged. */
        public Builder personalApiKey(String personalApiKey) {
            this.personalApiKey = Objects.requireNonNull(personalApiKey, "personalApiKey");
            return this;
        }

        /** Where the definitions are read: {@link #DEFAULT_HOST}, {@code https://eu.i.posthog.com}, or self-hosted. */
        public Builder host(URI host) {
            Objects.requireNonNull(host, "host");
            if (host.getHost() == null || !("http".equals(host.getScheme()) || "https".equals(host.getScheme()))) {
                throw new IllegalArgumentException(
                        "host must be an http or https URL such as " + DEFAULT_HOST + ", got " + host);
            }
            this.host = host;
            return this;
        }

        /** How often the definitions are polled; whole seconds, at least 1 (default 30 s). */
        public Builder pollInterval(Duration pollInterval) {
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("pollInterval must be at least 1s, got " + pollInterval);
            }
            this.pollInterval = pollInterval;
            return this;
        }

        /** The group type flags are released by (default {@code team}, as in {@code posthog/project.yaml}). */
        public Builder groupType(String groupType) {
            Objects.requireNonNull(groupType, "groupType");
            if (groupType.isBlank()) {
                throw new IllegalArgumentException("groupType must not be blank (default: team)");
            }
            this.groupType = groupType;
            return this;
        }

        /** Declares a flag and the answer it gets while PostHog's definitions are not available. */
        public Builder flag(String key, boolean defaultValue) {
            Objects.requireNonNull(key, "key");
            defaults.put(key, defaultValue);
            return this;
        }

        /** Where first answers are reported ({@code $feature_flag_called}); default {@link FlagExposures#NONE}. */
        public Builder exposures(FlagExposures exposures) {
            this.exposures = Objects.requireNonNull(exposures, "exposures");
            return this;
        }

        /** How many (distinct id, flag, value) triples are remembered as already reported (default 50,000). */
        public Builder exposureCacheSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("exposureCacheSize must be at least 1, got " + size);
            }
            this.exposureCacheSize = size;
            return this;
        }

        /** The clock of {@link FlagCheck#checkedAt()}; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Starts polling the definitions (in the background; this returns at once). */
        public FeatureFlags build() {
            if (projectToken == null || projectToken.isBlank()) {
                throw new IllegalStateException("projectToken is required: the project's API token (phc_...)");
            }
            if (personalApiKey == null || personalApiKey.isBlank()) {
                throw new IllegalStateException("personalApiKey is required for local evaluation: a personal API key"
                        + " (phx_...) with scope feature_flag:read");
            }
            if (personalApiKey.startsWith("phc_")) {
                throw new IllegalStateException("personalApiKey holds a project API key (phc_...); local evaluation"
                        + " needs a personal API key (phx_...) with scope feature_flag:read");
            }
            return new FeatureFlags(this);
        }

        int pollIntervalSeconds() {
            long seconds = pollInterval.toSeconds() + (pollInterval.toNanosPart() > 0 ? 1 : 0);
            return (int) Math.min(Integer.MAX_VALUE, seconds);
        }
    }
}
