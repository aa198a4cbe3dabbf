package dev.tracking.posthogproject.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The command line without PostHog: usage errors name the bad value and what is valid; help documents exit codes. */
class PostHogProjectCliTest {
    private static final String FILE = "../../posthog/project.yaml";

    private static Cli.Result run(Map<String, String> env, String... args) {
        return new Cli(env).run(args);
    }

    @Test
    void withoutAPersonalApiKeyItSaysWhichOneAndWhichScopes() {
        Cli.Result result = run(Map.of("POSTHOG_PROJECT_ID", "1"), "plan", "--file", FILE);

        assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("POSTHOG_PERSONAL_API_KEY is not set").contains("feature_flag:write");
    }

    @Test
    void aProjectApiKeyIsRecognisedWithoutBeingPrinted() {
        Cli.Result result = run(
                Map.of("POSTHOG_PERSONAL_API_KEY", "phc_secret_project_token", "POSTHOG_PROJECT_ID", "1"),
                "plan",
                "--file",
                FILE);

        assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("a personal API key (phx_...)").doesNotContain("phc_secret_project_token");
    }

    @Test
    void aBadProjectIdOrHostIsNamedWithWhatIsValid() {
        Map<String, String> key = Map.of("POSTHOG_PERSONAL_API_KEY", "phx_k");

        Cli.Result id =
                run(Map.of("POSTHOG_PERSONAL_API_KEY", "phx_k", "POSTHOG_PROJECT_ID", "abc"), "plan", "-f", FILE);
        Cli.Result option = run(key, "plan", "-f", FILE, "--project-id", "-3");
        Cli.Result host = run(
                Map.of(
                        "POSTHOG_PERSONAL_API_KEY",
                        "phx_k",
                        "POSTHOG_PROJECT_ID",
                        "1",
                        "POSTHOG_APP_HOST",
                        "us.posthog.com"),
                "plan",
                "-f",
                FILE);
        Cli.Result duration = run(key, "plan", "-f", FILE, "--max-retry-wait", "soon");
        Cli.Result typed = run(key, "plan", "-f", FILE, "--project-id", "twelve");

        assertThat(id.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(id.err()).contains("POSTHOG_PROJECT_ID='abc' is not a project id: expected a positive number");
        assertThat(option.err()).contains("--project-id='-3' is not a project id");
        assertThat(host.err())
                .contains("POSTHOG_APP_HOST='us.posthog.com' is not a URL of PostHog: expected"
                        + " https://us.posthog.com, https://eu.posthog.com or a self-hosted PostHog's URL");
        assertThat(duration.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(duration.err()).contains("'soon' is not a duration: expected 30s, 2m, 1h, 500ms or ISO-8601");
        assertThat(typed.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(typed.err()).contains("'twelve' is not a long");
    }

    @Test
    void aBadDeclarationIsRefusedBeforeAnythingIsSent(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, "feature_flags:\n  - key: a\n    name: A\n    rollout_percentage: 300\n");

        Cli.Result result = run(
                Map.of(
                        "POSTHOG_PERSONAL_API_KEY",
                        "phx_k",
                        "POSTHOG_PROJECT_ID",
                        "1",
                        "POSTHOG_APP_HOST",
                        "http://127.0.0.1:9"),
                "apply",
                "--file",
                file.toString());

        assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("feature_flags[a].rollout_percentage: '300' is not valid: 0 to 100");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Cli.Result result = run(Map.of(), "apply", "--prnue");

        assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Unknown option: '--prnue'");
    }

    @Test
    void everyCommandHasHelpWithItsExitCodes() {
        Cli.Result top = run(Map.of(), "--help");
        Cli.Result plan = run(Map.of(), "plan", "--help");
        Cli.Result apply = run(Map.of(), "apply", "--help");

        assertThat(top.code()).isZero();
        assertThat(top.out())
                .contains("POSTHOG_PERSONAL_API_KEY")
                .contains("Exit codes:")
                .contains("plan")
                .contains("apply");
        assertThat(plan.out())
                .contains("--prune")
                .contains("--detailed-exitcode")
                .contains("Exit codes:");
        assertThat(apply.out()).contains("--prune").contains("--max-retry-wait").contains("Exit codes:");
    }

    @Test
    void theReadmeDocumentsExactlyTheExitCodesOfTheHelp() throws IOException {
        Set<String> help = new TreeSet<>();
        Matcher helpCodes = Pattern.compile("(?m)^\\s+(\\d)\\s+\\S")
                .matcher(run(Map.of(), "--help").out().split("Exit codes:")[1]);
        while (helpCodes.find()) {
            help.add(helpCodes.group(1));
        }
        String readme = Files.readString(Path.of("../../README.md"));
        String section = readme.substring(readme.indexOf("## PostHog project as code"));
        Set<String> documented = new TreeSet<>();
        Matcher rows = Pattern.compile("(?m)^\\| (\\d) \\| ").matcher(section);
        while (rows.find()) {
            documented.add(rows.group(1));
        }

        assertThat(help).containsExactly("0", "1", "2", "3", "4", "5", "6");
        assertThat(documented)
                .as("exit codes in the README's PostHog project section")
                .isEqualTo(help);
    }
}
