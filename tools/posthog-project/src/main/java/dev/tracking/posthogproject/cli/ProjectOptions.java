package dev.tracking.posthogproject.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** Options shared by {@code plan} and {@code apply}, and the environment they fall back to. */
final class ProjectOptions {
    static final String DEFAULT_HOST = "https://us.posthog.com";

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            defaultValue = "posthog/project.yaml",
            description = "the declaration (default: ${DEFAULT-VALUE})")
    Path file;

    @Option(
            names = "--project-id",
            paramLabel = "ID",
            description = "PostHog project id, the number in the project's URL (/project/<id>); default:"
                    + " $POSTHOG_PROJECT_ID")
    Long projectId;

    @Option(
            names = "--host",
            paramLabel = "URL",
            description = "PostHog app host: https://us.posthog.com, https://eu.posthog.com or a self-hosted URL;"
                    + " default: $POSTHOG_APP_HOST, else " + DEFAULT_HOST)
    URI host;

    @Option(
            names = "--max-retry-wait",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "longest Retry-After waited out when PostHog rate-limits (30s, 2m, PT1M; default"
                    + " ${DEFAULT-VALUE})")
    Duration maxRetryWait;

    /** Where and as whom to talk to PostHog. {@link #toString()} leaves the key out. */
    record Settings(URI host, long projectId, String apiKey) {
        @Override
        public String toString() {
            return "Settings[host=" + host + ", projectId=" + projectId + ", apiKey=(not shown)]";
        }
    }

    Settings settings(Map<String, String> env) throws UsageException {
        String key = env.getOrDefault("POSTHOG_PERSONAL_API_KEY", "").strip();
        if (key.isEmpty()) {
            throw new UsageException("POSTHOG_PERSONAL_API_KEY is not set: create a personal API key in PostHog"
                    + " (Settings, Personal API keys) with scopes cohort:write, dashboard:write, feature_flag:write,"
                    + " group:read, insight:write, survey:write, and export it");
        }
        if (key.startsWith("phc_")) {
            throw new UsageException("POSTHOG_PERSONAL_API_KEY holds a project API key (phc_...), which only sends"
                    + " events; the REST API needs a personal API key (phx_...)");
        }
        String id = projectId != null ? projectId.toString() : env.get("POSTHOG_PROJECT_ID");
        String idSource = projectId != null ? "--project-id" : "POSTHOG_PROJECT_ID";
        if (id == null || id.isBlank()) {
            throw new UsageException("POSTHOG_PROJECT_ID is not set (nor --project-id): the number in the project's"
                    + " URL, /project/<id>");
        }
        long parsedId;
        try {
            parsedId = Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            parsedId = -1;
        }
        if (parsedId < 1) {
            throw new UsageException(idSource + "='" + id + "' is not a project id: expected a positive number, the"
                    + " one in the project's URL (/project/<id>)");
        }
        String hostText = host != null ? host.toString() : env.getOrDefault("POSTHOG_APP_HOST", "");
        String hostSource = host != null ? "--host" : "POSTHOG_APP_HOST";
        if (hostText.isBlank()) {
            hostText = DEFAULT_HOST;
        }
        URI uri;
        try {
            uri = new URI(hostText.strip());
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                || uri.getQuery() != null) {
            throw new UsageException(hostSource + "='" + hostText + "' is not a URL of PostHog: expected "
                    + DEFAULT_HOST + ", https://eu.posthog.com or a self-hosted PostHog's URL (http or https)");
        }
        return new Settings(uri, parsedId, key);
    }

    /** {@code 30s}, {@code 2m}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT1M}). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.strip();
            try {
                if (text.startsWith("P") || text.startsWith("p")) {
                    return nonNegative(Duration.parse(text.toUpperCase()), value);
                }
                if (text.endsWith("ms")) {
                    return nonNegative(Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2))), value);
                }
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> nonNegative(Duration.ofSeconds(amount), value);
                    case 'm' -> nonNegative(Duration.ofMinutes(amount), value);
                    case 'h' -> nonNegative(Duration.ofHours(amount), value);
                    default -> throw invalid(value);
                };
            } catch (RuntimeException e) {
                throw invalid(value);
            }
        }

        private static Duration nonNegative(Duration duration, String value) {
            if (duration.isNegative()) {
                throw invalid(value);
            }
            return duration;
        }

        private static IllegalArgumentException invalid(String value) {
            return new IllegalArgumentException(
                    "'" + value + "' is not a duration: expected 30s, 2m, 1h, 500ms or ISO-8601 (PT1M)");
        }
    }
}
