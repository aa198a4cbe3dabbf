package dev.tracking.consumer.mapping;

import static dev.tracking.consumer.mapping.EventBuilder.event;

import dev.tracking.facts.AnalyticsViewed;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.FeatureFlagCalled;
import dev.tracking.facts.LeaderboardViewed;
import dev.tracking.facts.PrListExported;
import dev.tracking.facts.SurveyResponseSubmitted;
import dev.tracking.schemas.FactFamily;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Product usage: dashboard, analytics, leaderboard, exports, surveys, feature flag checks ({@code $feature_flag_called},
 * PostHog's exposure event, as its SDKs send it). A dashboard view also yields the milestone
 * {@code dashboard_first_view}, which the milestone stage keeps only for the first view of each user.
 */
final class EngagementMapper implements FamilyMapper {
    static final EventType DASHBOARD_VIEWED = EventType.of("dashboard_viewed", Tier.ENGAGEMENT);
    static final EventType DASHBOARD_FIRST_VIEW = EventType.of("dashboard_first_view", Tier.CORE_FUNNEL);
    static final EventType ANALYTICS_VIEWED = EventType.of("analytics_viewed", Tier.ENGAGEMENT);
    static final EventType PR_LIST_EXPORTED = EventType.of("pr_list_exported", Tier.ENGAGEMENT);
    static final EventType SURVEY_RESPONSE_SUBMITTED = EventType.of("survey_response_submitted", Tier.ENGAGEMENT);
    static final EventType LEADERBOARD_VIEWED = EventType.of("leaderboard_viewed", Tier.ENGAGEMENT);
    /** PostHog's exposure event: not in the plan's tiers, since flag analytics and experiments depend on it. */
    static final EventType FEATURE_FLAG_CALLED = EventType.untiered("$feature_flag_called");

    @Override
    public FactFamily family() {
        return FactFamily.ENGAGEMENT;
    }

    @Override
    public Map<Class<? extends SpecificRecord>, List<EventType>> events() {
        return Map.of(
                DashboardViewed.class, List.of(DASHBOARD_VIEWED, DASHBOARD_FIRST_VIEW),
                AnalyticsViewed.class, List.of(ANALYTICS_VIEWED),
                PrListExported.class, List.of(PR_LIST_EXPORTED),
                SurveyResponseSubmitted.class, List.of(SURVEY_RESPONSE_SUBMITTED),
                LeaderboardViewed.class, List.of(LEADERBOARD_VIEWED),
                FeatureFlagCalled.class, List.of(FEATURE_FLAG_CALLED));
    }

    @Override
    public void map(SpecificRecord fact, List<PostHogEvent> out) {
        if (fact instanceof DashboardViewed f) {
            out.add(event(DASHBOARD_VIEWED, f)
                    .property("team_slug", f.getTeamId())
                    .build());
            out.add(event(DASHBOARD_FIRST_VIEW, f)
                    .property("team_slug", f.getTeamId())
                    .once("dashboard_first_view:" + f.getUserId())
                    .build());
        } else if (fact instanceof AnalyticsViewed f) {
            out.add(event(ANALYTICS_VIEWED, f)
                    .property("tab", f.getTab())
                    .property("date_range", f.getDateRange())
                    .build());
        } else if (fact instanceof PrListExported f) {
            out.add(event(PR_LIST_EXPORTED, f)
                    .property("format", f.getFormat())
                    .property("row_count", f.getRowCount())
                    .build());
        } else if (fact instanceof SurveyResponseSubmitted f) {
            out.add(event(SURVEY_RESPONSE_SUBMITTED, f)
                    .property("type", f.getResponseType())
                    .property("ai_assisted", f.getAiAssisted())
                    .build());
        } else if (fact instanceof LeaderboardViewed f) {
            out.add(event(LEADERBOARD_VIEWED, f)
                    .property("team_slug", f.getTeamId())
                    .build());
        } else if (fact instanceof FeatureFlagCalled f) {
            out.add(event(FEATURE_FLAG_CALLED, f)
                    .property("$feature_flag", f.getFlag())
                    .property("$feature_flag_response", f.getEnabled())
                    .property("from_default", f.getFromDefault())
                    .build());
        } else {
            throw FactMapping.unknown(this, fact);
        }
    }
}
