package dev.tracking.posthogproject.cli;

import dev.tracking.posthogproject.api.PostHogApiClient;
import dev.tracking.posthogproject.api.PostHogApiException;
import dev.tracking.posthogproject.api.Sleeper;
import dev.tracking.posthogproject.declaration.DeclarationException;
import dev.tracking.posthogproject.declaration.DeclarationReader;
import dev.tracking.posthogproject.declaration.ProjectDeclaration;
import dev.tracking.posthogproject.plan.Applier;
import dev.tracking.posthogproject.plan.Plan;
import dev.tracking.posthogproject.plan.PlanPrinter;
import dev.tracking.posthogproject.plan.Planner;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code posthog-project plan|apply}: the PostHog project declared in {@code posthog/project.yaml}, planned (no writes)
 * or applied through PostHog's REST API. Exit codes: {@link ExitCodes}.
 */
@Command(
        name = "posthog-project",
        mixinStandardHelpOptions = true,
        version = "posthog-project 0.1",
        description = {
            "The analysts' side of PostHog as code: funnels, cohorts, dashboards, feature flags and surveys declared"
                    + " in posthog/project.yaml, planned or applied through PostHog's REST API.",
            "Objects are found again on every run (flags by key, the others by the marker posthog-project#<id> in"
                    + " their description), so a second apply changes nothing."
        },
        subcommands = {PostHogProjectCli.PlanCommand.class, PostHogProjectCli.ApplyCommand.class},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  POSTHOG_PERSONAL_API_KEY  a personal API key (phx_...), never printed; scopes cohort:write,"
                    + " dashboard:write, feature_flag:write, group:read, insight:write, survey:write (plan needs the"
                    + " :read ones)",
            "  POSTHOG_PROJECT_ID        the project's id (--project-id)",
            "  POSTHOG_APP_HOST          " + ProjectOptions.DEFAULT_HOST + " (default), https://eu.posthog.com or a"
                    + " self-hosted URL (--host)"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (plan printed; apply applied everything)",
            "1:PostHog unavailable: unreachable, timed out, 5xx, still rate-limited, or an answer that is not PostHog's",
            "2:bad command line, environment variable or declaration (nothing was sent to PostHog)",
            "3:not ready: a group type a flag names (team) does not exist in the project yet; apply created nothing",
            "4:PostHog refused the personal API key (401), a scope (403, the scope is named) or the project (404)",
            "5:PostHog refused a change (400 naming the field, 404, 409), or two objects carry the same marker",
            "6:plan --detailed-exitcode only: there are changes to apply"
        })
public final class PostHogProjectCli {
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final Sleeper sleeper;
    private final Clock clock;

    private PostHogProjectCli(Map<String, String> env, PrintStream out, PrintStream err, Sleeper sleeper, Clock clock) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err, Sleeper.REAL, Clock.systemUTC()));
    }

    /** Runs one command as {@link #main} does, without exiting; returns the exit code. */
    public static int run(
            String[] args, Map<String, String> env, PrintStream out, PrintStream err, Sleeper sleeper, Clock clock) {
        CommandLine cli = new CommandLine(new PostHogProjectCli(env, out, err, sleeper, clock));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
        cli.setExecutionStrategy(new CommandLine.RunLast());
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private int fail(int code, String message) {
        err.println("posthog-project: " + message);
        return code;
    }

    private static int exitCode(PostHogApiException e) {
        return switch (e.kind()) {
            case ACCESS, PROJECT_NOT_FOUND -> ExitCodes.ACCESS;
            case REFUSED -> ExitCodes.REFUSED;
            case UNAVAILABLE -> ExitCodes.UNAVAILABLE;
        };
    }

    /** Reads the declaration and settings and plans; shared by both commands. */
    private abstract static class ProjectCommand implements Callable<Integer> {
        @ParentCommand
        PostHogProjectCli cli;

        @Mixin
        ProjectOptions project;

        @Option(
                names = "--prune",
                description = "also delete managed objects no longer declared (soft delete: PATCH deleted=true;"
                        + " surveys: DELETE); without it they are listed and kept")
        boolean prune;

        Context context;

        record Context(ProjectDeclaration declaration, ProjectOptions.Settings settings, PostHogApiClient api) {}

        /** Declaration and settings; {@code null} after printing the problem. */
        Integer prepare() {
            ProjectDeclaration declaration;
            ProjectOptions.Settings settings;
            try {
                declaration = DeclarationReader.read(project.file);
                settings = project.settings(cli.env);
            } catch (DeclarationException e) {
                e.problems().forEach(p -> cli.err.println("posthog-project: " + p));
                return ExitCodes.USAGE;
            } catch (UsageException e) {
                return cli.fail(ExitCodes.USAGE, e.getMessage());
            }
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            PostHogApiClient api = new PostHogApiClient(
                    settings.host(),
                    settings.projectId(),
                    settings.apiKey(),
                    http,
                    cli.sleeper,
                    project.maxRetryWait,
                    notice -> cli.err.println("posthog-project: " + notice));
            context = new Context(declaration, settings, api);
            cli.out.println(project.file + " -> PostHog project " + settings.projectId() + " at " + settings.host());
            return null;
        }

        int notReady(Plan plan, String action) {
            if (!plan.conflicts().isEmpty()) {
                return cli.fail(ExitCodes.REFUSED, "objects carry the same marker; " + action);
            }
            return cli.fail(
                    ExitCodes.NOT_READY,
                    "group type " + String.join(", ", plan.missingGroupTypes())
                            + " does not exist in project " + context.settings().projectId()
                            + " yet (it appears with the"
                            + " first $groupidentify of that type); " + action);
        }
    }

    @Command(
            name = "plan",
            mixinStandardHelpOptions = true,
            description = "Show what apply would change: create, update (field by field), unchanged, and with --prune"
                    + " delete. Writes nothing.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:plan printed",
                "1:PostHog unavailable",
                "2:bad command line, environment variable or declaration",
                "3:a group type a flag names does not exist yet",
                "4:PostHog refused the key, a scope or the project",
                "5:two objects carry the same marker",
                "6:with --detailed-exitcode: there are changes to apply"
            })
    static final class PlanCommand extends ProjectCommand {
        @Option(
                names = "--detailed-exitcode",
                description = "exit 6 when there are changes to apply (0: none), for drift checks in CI")
        boolean detailedExitCode;

        @Override
        public Integer call() {
            Integer failed = prepare();
            if (failed != null) {
                return failed;
            }
            Plan plan;
            try {
                plan = new Planner(context.api()).plan(context.declaration(), prune);
            } catch (PostHogApiException e) {
                return cli.fail(exitCode(e), e.getMessage());
            }
            PlanPrinter.print(plan, cli.out);
            if (!plan.ready()) {
                return notReady(plan, "apply would create nothing");
            }
            return detailedExitCode && plan.hasChanges() ? ExitCodes.CHANGES_PENDING : ExitCodes.OK;
        }
    }

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = "Apply the plan: create what is missing, PATCH the declared fields that differ, and with"
                    + " --prune delete managed objects no longer declared. Prints the plan first.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:applied",
                "1:PostHog unavailable (changes before it stay applied; run plan to see)",
                "2:bad command line, environment variable or declaration",
                "3:a group type a flag names does not exist yet: nothing was changed",
                "4:PostHog refused the key, a scope or the project",
                "5:PostHog refused a change (the object and field are named), or two objects carry the same marker"
            })
    static final class ApplyCommand extends ProjectCommand {
        @Override
        public Integer call() {
            Integer failed = prepare();
            if (failed != null) {
                return failed;
            }
            Plan plan;
            try {
                plan = new Planner(context.api()).plan(context.declaration(), prune);
            } catch (PostHogApiException e) {
                return cli.fail(exitCode(e), e.getMessage());
            }
            PlanPrinter.print(plan, cli.out);
            if (!plan.ready()) {
                return notReady(plan, "nothing was changed");
            }
            cli.out.println();
            try {
                Applier.Result result = new Applier(context.api(), cli.clock, cli.out).apply(plan);
                cli.out.println("Applied: " + result.created() + " created, " + result.updated() + " updated, "
                        + result.deleted() + " deleted, " + result.unchanged() + " unchanged.");
                return ExitCodes.OK;
            } catch (PostHogApiException e) {
                return cli.fail(
                        exitCode(e),
                        e.getMessage() + " (changes printed above were applied; run plan to" + " see what is left)");
            }
        }
    }
}
