package dev.tracking.consumer.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventSelectionTest {
    private static final Map<String, EventType> CATALOGUE =
            FactMapping.standard().eventTypes();

    @Test
    void theDefaultTiersSendEveryEvent() {
        EventSelection all = EventSelection.of(EnumSet.allOf(Tier.class), List.of(), CATALOGUE);

        assertThat(all.suppressed(CATALOGUE.values())).isEmpty();
    }

    @Test
    void tierOneAloneSuppressesEveryEventOfTiersTwoAndThreeAndNothingElse() {
        EventSelection core = EventSelection.of(List.of(Tier.CORE_FUNNEL), List.of(), CATALOGUE);

        assertThat(core.suppressed(CATALOGUE.values()))
                .extracting(EventType::name)
                .containsExactly(
                        "analytics_viewed",
                        "dashboard_viewed",
                        "integration_health_checked",
                        "integration_reconnected",
                        "leaderboard_viewed",
                        "pr_list_exported",
                        "survey_response_submitted",
                        "team_member_invited");
    }

    @Test
    void profileUpdatesFlowWhateverTheTiers() {
        EventSelection growthOnly = EventSelection.of(List.of(Tier.GROWTH), List.of(), CATALOGUE);

        assertThat(CATALOGUE.values().stream().filter(type -> !type.tiered()))
                .extracting(EventType::name)
                .containsExactlyInAnyOrder("$groupidentify", "$identify", "$feature_flag_called")
                .allSatisfy(name -> assertThat(growthOnly.sends(CATALOGUE.get(name)))
                        .as(name)
                        .isTrue());
    }

    @Test
    void anEventDisabledByNameIsSuppressedInATierThatIsOn() {
        EventSelection selection = EventSelection.of(EnumSet.allOf(Tier.class), List.of("dashboard_viewed"), CATALOGUE);

        assertThat(selection.sends(CATALOGUE.get("dashboard_viewed"))).isFalse();
        assertThat(selection.sends(CATALOGUE.get("dashboard_first_view"))).isTrue();
    }

    @Test
    void disablingAnEventThatDoesNotExistNamesItAndTheValidOnes() {
        assertThatThrownBy(() -> EventSelection.of(EnumSet.allOf(Tier.class), List.of("dashboard_view"), CATALOGUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'dashboard_view' is not an event of the tracking plan")
                .hasMessageContaining("dashboard_first_view, dashboard_viewed");
    }

    @Test
    void aProfileUpdateCannotBeDisabled() {
        assertThatThrownBy(() -> EventSelection.of(EnumSet.allOf(Tier.class), List.of("$identify"), CATALOGUE))
                .hasMessageContaining("'$identify' is not tiered: it is always sent");
    }

    @Test
    void aTierThatDoesNotExistNamesTheValidOnes() {
        assertThatThrownBy(() -> Tier.of("4"))
                .hasMessage("'4' is not a tier; valid tiers are 1 (core funnel), 2 (engagement), 3 (growth)");
        assertThat(Tier.of(" 2 ")).isEqualTo(Tier.ENGAGEMENT);
    }
}
