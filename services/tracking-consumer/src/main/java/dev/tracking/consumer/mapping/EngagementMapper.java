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
import org.apache.avro.specific.SpecificRecord;

/**
 * Product usage: dashboard, analytics, leaderboard, exports, surveys, feature flag checks ({@code $feature_flag_called},
 * PostHog's exposure event, as its SDKs send it). A dashboard view also yields the milestone
 * {@code dashboard_first_view}, which the milestone stage keeps only for the first view of each user.
 */
final class EngagementMapper implements FamilyMapper {

    @Override
    public FactFamily family() {
        return FactFamily.ENGAGEMENT;
    }

    @Override
    public void map(SpecificRecord fact, List<PostHogEvent> out) {
        if (fact instanceof DashboardViewed f) {
            out.add(event("dashboard_viewed", f)
                    .property("team_slug", f.getTeamId())
                    .build());
            out.add(event("dashboard_first_view", f)
                    .property("team_slug", f.getTeamId())
                    .once("dashboard_first_view:" + f.getUserId())
                    .build());
        } else if (fact instanceof AnalyticsViewed f) {
            out.add(event("analytics_viewed", f)
                    .property("tab", f.getTab())
                    .property("date_range", f.getDateRange())
                    .build());
        } else if (fact instanceof PrListExported f) {
            out.add(event("pr_list_exported", f)
                    .property("format", f.getFormat())
                    .property("row_count", f.getRowCount())
                    .build());
        } else if (fact instanceof SurveyResponseSubmitted f) {
            out.add(event("survey_response_submitted", f)
                    .property("type", f.getResponseType())
                    .property("ai_assisted", f.getAiAssisted())
                    .build());
        } else if (fact instanceof LeaderboardViewed f) {
            out.add(event("leaderboard_viewed", f)
                    .property("team_slug", f.getTeamId())
                    .build());
        } else if (fact instanceof FeatureFlagCalled f) {
            out.add(event("$feature_flag_called", f)
                    .property("$feature_flag", f.getFlag())
                    .property("$feature_flag_response", f.getEnabled())
                    .property("from_default", f.getFromDefault())
                    .build());
        } else {
            throw FactMapping.unknown(this, fact);
        }
    }
}
