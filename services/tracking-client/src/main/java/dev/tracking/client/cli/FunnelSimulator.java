package dev.tracking.client.cli;

import dev.tracking.facts.AnalyticsTab;
import dev.tracking.facts.AnalyticsViewed;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.ExportFormat;
import dev.tracking.facts.FeatureFlagCalled;
import dev.tracking.facts.IntegrationConnected;
import dev.tracking.facts.IntegrationHealthChecked;
import dev.tracking.facts.IntegrationProvider;
import dev.tracking.facts.IntegrationReconnected;
import dev.tracking.facts.IntegrationStatus;
import dev.tracking.facts.LeaderboardViewed;
import dev.tracking.facts.OnboardingCompleted;
import dev.tracking.facts.OnboardingStep;
import dev.tracking.facts.OnboardingStepCompleted;
import dev.tracking.facts.OnboardingStepSkipped;
import dev.tracking.facts.PrListExported;
import dev.tracking.facts.SignupMethod;
import dev.tracking.facts.SubscriptionCancelled;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.facts.SurveyResponseSubmitted;
import dev.tracking.facts.SurveyResponseType;
import dev.tracking.facts.TeamMemberInvited;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.facts.TeamRole;
import dev.tracking.facts.UserProfileUpdated;
import dev.tracking.facts.UserSignedUp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Simulates teams walking the product's funnels and emits the facts they produce, one at a time: an admin signs up,
 * names the team, goes through onboarding (GitHub and repositories required: completed or abandoned, never skipped;
 * Jira and Slack optional) with realistic drop-off, connecting the team's integrations, then invites members, who sign
 * up and go through the same onboarding in turn; the members who finished it use the product (dashboard, analytics,
 * leaderboard, exports, surveys), some teams subscribe and a few cancel. Deterministic for a given seed (ids included)
 * except for {@code occurred_at}, which is the clock's time when the fact is emitted. The consumer's {@code
 * SimulatedFunnelsTest} holds the result to the funnels and the cohort of {@code posthog/project.yaml}.
 *
 * <p>By default at most {@code teamCount} teams ever exist, so a long run ends with churned teams that only look at
 * the dashboard now and then. {@link #withTurnover} keeps {@code teamCount} teams that have not churned instead: a new
 * team arrives for each one lost, so the mix of facts stays the same however long it runs (the benchmark's data).
 */
public final class FunnelSimulator {
    private static final String SOURCE = "fact-simulator";
    private static final String[] WORDS = {
        "acme",
        "globex",
        "initech",
        "umbrella",
        "hooli",
        "stark",
        "wayne",
        "wonka",
        "tyrell",
        "cyberdyne",
        "soylent",
        "vandelay",
        "oscorp",
        "aperture",
        "monarch",
        "gringotts"
    };
    private static final String[] RANGES = {"7d", "30d", "90d", "12m"};
    private static final String[] PLANS = {"team", "business", "enterprise"};

    private final Random random;
    private final Clock clock;
    private final List<Team> teams = new ArrayList<>();
    private final int teamCount;
    private final boolean turnover;
    private int churned;

    public FunnelSimulator(long seed, int teamCount, Clock clock) {
        this(seed, teamCount, clock, false);
    }

    private FunnelSimulator(long seed, int teamCount, Clock clock, boolean turnover) {
        if (teamCount < 1) {
            throw new IllegalArgumentException("teamCount must be at least 1, got " + teamCount);
        }
        this.random = new Random(seed);
        this.clock = clock;
        this.teamCount = teamCount;
        this.turnover = turnover;
    }

    /** A simulator that keeps {@code teamCount} teams that have not churned: a new team replaces each one lost. */
    public static FunnelSimulator withTurnover(long seed, int teamCount, Clock clock) {
        return new FunnelSimulator(seed, teamCount, clock, true);
    }

    /**
     * The next fact of a randomly chosen team; new teams arrive until {@code teamCount} exist (with turnover: until
     * {@code teamCount} have not churned).
     */
    public SpecificRecordBase next() {
        while (true) {
            int counted = turnover ? teams.size() - churned : teams.size();
            if (counted < teamCount && (teams.isEmpty() || random.nextInt(4) == 0)) {
                teams.add(new Team(teams.size() + 1));
            }
            Team team = teams.get(random.nextInt(teams.size()));
            SpecificRecordBase fact = team.next();
            if (fact != null) {
                return fact;
            }
        }
    }

    private enum Stage {
        SIGNUP,
        PROFILE,
        ONBOARDING,
        ACTIVE,
        CHURNED
    }

    private final class Team {
        final String slug;
        /** Every member who signed up, the admin first. */
        final List<String> users = new ArrayList<>();
        /** The members who finished onboarding: those who use the product. */
        final List<String> onboarded = new ArrayList<>();
        /** Invitees still going through onboarding, with the steps they have left. */
        final Map<String, Deque<OnboardingStep>> onboarding = new LinkedHashMap<>();

        final Deque<SpecificRecordBase> pending = new ArrayDeque<>();
        final Set<IntegrationProvider> connected = EnumSet.noneOf(IntegrationProvider.class);
        final Deque<OnboardingStep> steps = allSteps();
        Stage stage = Stage.SIGNUP;
        int invited;
        boolean subscribed;
        boolean cancelled;

        Team(int number) {
            this.slug = WORDS[number % WORDS.length] + "-" + number;
        }

        SpecificRecordBase next() {
            if (!pending.isEmpty()) {
                return pending.poll();
            }
            switch (stage) {
                case SIGNUP -> {
                    stage = Stage.PROFILE;
                    return signup(null);
                }
                case PROFILE -> {
                    stage = Stage.ONBOARDING;
                    return new TeamProfileUpdated(id(), now(), slug, admin(), SOURCE, title(slug), 1);
                }
                case ONBOARDING -> {
                    SpecificRecordBase fact = onboardingStep(admin(), steps);
                    if (fact == null) {
                        churn(); // the admin gave up: so did the team
                    } else if (onboarded.contains(admin())) {
                        stage = Stage.ACTIVE;
                    }
                    return fact;
                }
                case ACTIVE -> {
                    return !onboarding.isEmpty() && random.nextBoolean() ? inviteeOnboardingStep() : activity();
                }
                default -> {
                    // churned teams come back rarely, to look at the dashboard
                    return random.nextInt(20) == 0 ? new DashboardViewed(id(), now(), slug, anyUser(), SOURCE) : null;
                }
            }
        }

        /** The next step of the invitee who signed up first among those still onboarding; null when they give up. */
        private SpecificRecordBase inviteeOnboardingStep() {
            Iterator<Map.Entry<String, Deque<OnboardingStep>>> first =
                    onboarding.entrySet().iterator();
            Map.Entry<String, Deque<OnboardingStep>> invitee = first.next();
            SpecificRecordBase fact = onboardingStep(invitee.getKey(), invitee.getValue());
            if (fact == null || onboarded.contains(invitee.getKey())) {
                first.remove(); // gave up, or done
            }
            return fact;
        }

        /**
         * {@code user}'s next onboarding step out of {@code left}, or their completion once none is left (then they are
         * onboarded and their first dashboard view follows); null when they give up instead.
         */
        private SpecificRecordBase onboardingStep(String user, Deque<OnboardingStep> left) {
            OnboardingStep step = left.poll();
            if (step == null) {
                onboarded.add(user);
                pending.add(new DashboardViewed(id(), now(), slug, user, SOURCE));
                return new OnboardingCompleted(id(), now(), slug, user, SOURCE);
            }
            // completion and skip chances per step, the rest give up: GitHub and repositories are required (no
            // skipping them), about 9 in 10 complete each; about half connect Jira and Slack, most others skip them
            int[] chances = switch (step) {
                case GITHUB -> new int[] {90, 0};
                case REPOS -> new int[] {95, 0};
                case JIRA -> new int[] {50, 47};
                case SLACK -> new int[] {55, 43};
            };
            int roll = random.nextInt(100);
            if (roll < chances[0]) {
                IntegrationProvider provider = switch (step) {
                    case GITHUB -> IntegrationProvider.GITHUB;
                    case JIRA -> IntegrationProvider.JIRA;
                    case SLACK -> IntegrationProvider.SLACK;
                    case REPOS -> null;
                };
                if (provider != null && connected.add(provider)) {
                    // the team's first connection; members who come later link their accounts to it
                    pending.add(new IntegrationConnected(
                            id(), now(), slug, user, SOURCE, provider, title(slug), 3 + random.nextInt(200)));
                }
                return new OnboardingStepCompleted(
                        id(), now(), slug, user, SOURCE, step, (long) 20 + random.nextInt(600));
            }
            if (roll < chances[0] + chances[1]) {
                return new OnboardingStepSkipped(id(), now(), slug, user, SOURCE, step);
            }
            return null;
        }

        private SpecificRecordBase activity() {
            int roll = random.nextInt(100);
            if (roll < 30) {
                String user = anyUser();
                if (random.nextInt(8) == 0) {
                    // the dashboard service checks its flag: on for about a quarter of the teams
                    pending.add(new FeatureFlagCalled(
                            id(),
                            now(),
                            slug,
                            user,
                            SOURCE,
                            "trends-dashboard",
                            Math.floorMod(slug.hashCode(), 4) == 0,
                            false));
                }
                return new DashboardViewed(id(), now(), slug, user, SOURCE);
            }
            if (roll < 48) {
                AnalyticsTab tab = AnalyticsTab.values()[random.nextInt(AnalyticsTab.values().length)];
                return new AnalyticsViewed(
                        id(), now(), slug, anyUser(), SOURCE, tab, RANGES[random.nextInt(RANGES.length)]);
            }
            if (roll < 56) {
                return new LeaderboardViewed(id(), now(), slug, anyUser(), SOURCE);
            }
            if (roll < 62) {
                return new SurveyResponseSubmitted(
                        id(),
                        now(),
                        slug,
                        anyUser(),
                        SOURCE,
                        random.nextBoolean() ? SurveyResponseType.AUTHOR : SurveyResponseType.REVIEWER,
                        random.nextInt(3) > 0);
            }
            if (roll < 66) {
                return new PrListExported(id(), now(), slug, anyUser(), SOURCE, ExportFormat.CSV, random.nextInt(500));
            }
            if (roll < 72 && invited < 12) {
                invited++;
                TeamRole role = random.nextInt(5) == 0 ? TeamRole.ADMIN : TeamRole.MEMBER;
                UserSignedUp invitee = signup(slug); // adds the invitee to users
                pending.add(invitee);
                onboarding.put(invitee.getUserId(), allSteps());
                pending.add(new TeamProfileUpdated(id(), now(), slug, null, SOURCE, title(slug), users.size()));
                return new TeamMemberInvited(id(), now(), slug, admin(), SOURCE, role);
            }
            if (roll < 78 && !connected.isEmpty()) {
                IntegrationProvider provider = connected.iterator().next();
                int health = random.nextInt(20);
                IntegrationStatus status = health == 0
                        ? IntegrationStatus.FAILING
                        : health < 3 ? IntegrationStatus.DEGRADED : IntegrationStatus.HEALTHY;
                if (status == IntegrationStatus.FAILING) {
                    pending.add(new IntegrationReconnected(id(), now(), slug, admin(), SOURCE, provider));
                }
                return new IntegrationHealthChecked(id(), now(), slug, admin(), SOURCE, provider, status);
            }
            if (roll < 81) {
                String user = anyUser();
                return new UserProfileUpdated(
                        id(),
                        now(),
                        slug,
                        user,
                        SOURCE,
                        null,
                        "User " + user,
                        random.nextBoolean() ? "Engineer" : null);
            }
            if (roll < 85 && !subscribed && random.nextInt(3) == 0) {
                subscribed = true;
                return new SubscriptionStarted(
                        id(),
                        now(),
                        slug,
                        random.nextBoolean() ? admin() : null,
                        "billing-service",
                        PLANS[random.nextInt(PLANS.length)],
                        Math.max(1, users.size()) + random.nextInt(10));
            }
            if (roll < 86 && subscribed && !cancelled && random.nextInt(4) == 0) {
                cancelled = true;
                churn();
                return new SubscriptionCancelled(
                        id(), now(), slug, null, "billing-service", random.nextBoolean() ? "too expensive" : null, 30);
            }
            return new DashboardViewed(id(), now(), slug, anyUser(), SOURCE);
        }

        private UserSignedUp signup(String team) {
            String user = "user-" + slug + "-" + (users.size() + 1);
            users.add(user);
            SignupMethod method = SignupMethod.values()[random.nextInt(SignupMethod.values().length)];
            return new UserSignedUp(
                    id(),
                    now(),
                    team,
                    user,
                    "signup-service",
                    user + "@" + slug + ".example",
                    random.nextBoolean() ? "User " + user : null,
                    method);
        }

        private void churn() {
            stage = Stage.CHURNED;
            onboarding.clear(); // the team is gone: invitees still onboarding do not finish
            churned++;
        }

        private String admin() {
            return users.get(0);
        }

        /** A member who finished onboarding; the admin when none did (a team that gave up, come back to look). */
        private String anyUser() {
            return onboarded.isEmpty() ? admin() : onboarded.get(random.nextInt(onboarded.size()));
        }
    }

    private static Deque<OnboardingStep> allSteps() {
        return new ArrayDeque<>(List.of(OnboardingStep.values()));
    }

    private String id() {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }

    private Instant now() {
        return clock.instant();
    }

    private static String title(String slug) {
        return Character.toUpperCase(slug.charAt(0)) + slug.substring(1).replace('-', ' ');
    }
}
