package dev.tracking.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.IntegrationConnected;
import dev.tracking.facts.OnboardingStepCompleted;
import dev.tracking.facts.PrListExported;
import dev.tracking.facts.SubscriptionCancelled;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.facts.UserSignedUp;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FactValidatorTest {

    @TestFactory
    Stream<DynamicTest> aCompleteFactOfEveryTypeHasNoViolations() {
        return FactFamily.allTypes().stream()
                .map(type -> DynamicTest.dynamicTest(
                        type.getSimpleName(),
                        () -> assertThat(FactValidator.violations(SampleFacts.complete(type)))
                                .isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> aFactOfEveryTypeWithoutItsOptionalFieldsHasNoViolations() {
        return FactFamily.allTypes().stream()
                .map(type -> DynamicTest.dynamicTest(
                        type.getSimpleName(),
                        () -> assertThat(FactValidator.violations(SampleFacts.minimal(type)))
                                .isEmpty()));
    }

    /** One broken field per row: fact type, field, bad value, and what the single violation must say. */
    static Stream<Arguments> brokenFields() {
        return Stream.of(
                broken("blank event_id", DashboardViewed.class, "event_id", "   ", "event_id '   '", "blank"),
                broken("empty event_id", DashboardViewed.class, "event_id", "", "event_id ''", "blank"),
                broken(
                        "event_id that is not a UUID",
                        DashboardViewed.class,
                        "event_id",
                        "signup-42",
                        "event_id 'signup-42'",
                        "not a UUID"),
                broken(
                        "event_id with a sign where a hex digit belongs",
                        DashboardViewed.class,
                        "event_id",
                        "+1234567-1234-1234-1234-123456789012",
                        "event_id '+1234567-1234-1234-1234-123456789012'",
                        "not a UUID"),
                broken(
                        "event_id without dashes",
                        DashboardViewed.class,
                        "event_id",
                        "0123456789abcdef0123456789abcdef",
                        "event_id '0123456789abcdef0123456789abcdef'",
                        "not a UUID"),
                broken(
                        "occurred_at at the epoch (unset)",
                        DashboardViewed.class,
                        "occurred_at",
                        Instant.EPOCH,
                        "occurred_at 1970-01-01T00:00:00Z",
                        "not set"),
                broken(
                        "occurred_at before the epoch",
                        DashboardViewed.class,
                        "occurred_at",
                        Instant.parse("1969-12-31T23:59:59Z"),
                        "occurred_at 1969-12-31T23:59:59Z"),
                broken("null occurred_at", DashboardViewed.class, "occurred_at", null, "occurred_at null"),
                broken("blank team_id", DashboardViewed.class, "team_id", " ", "team_id ' '", "blank"),
                broken("null team_id where required", DashboardViewed.class, "team_id", null, "team_id", "null"),
                broken("blank optional team_id", UserSignedUp.class, "team_id", "", "team_id ''", "blank"),
                broken("blank user_id", DashboardViewed.class, "user_id", "\t", "user_id '\t'", "blank"),
                broken("null user_id where required", DashboardViewed.class, "user_id", null, "user_id", "null"),
                broken("blank optional user_id", SubscriptionStarted.class, "user_id", " ", "user_id ' '", "blank"),
                broken("negative seats", SubscriptionStarted.class, "seats", -1, "seats", "-1"),
                broken(
                        "negative duration_seconds",
                        OnboardingStepCompleted.class,
                        "duration_seconds",
                        -5L,
                        "duration_seconds",
                        "-5"),
                broken(
                        "negative optional member_count of an integration",
                        IntegrationConnected.class,
                        "member_count",
                        -3,
                        "member_count",
                        "-3"),
                broken(
                        "negative optional member_count of a team",
                        TeamProfileUpdated.class,
                        "member_count",
                        -1,
                        "member_count",
                        "-1"),
                broken("negative row_count", PrListExported.class, "row_count", -250, "row_count", "-250"),
                broken("negative days_active", SubscriptionCancelled.class, "days_active", -30, "days_active", "-30"),
                broken("null required string", SubscriptionStarted.class, "plan", null, "plan", "null"),
                broken("blank required string", SubscriptionStarted.class, "plan", "  ", "plan '  '", "blank"),
                broken("null email of a signup", UserSignedUp.class, "email", null, "email", "null"),
                broken("null required enum", IntegrationConnected.class, "provider", null, "provider", "null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFields")
    void reportsTheBrokenFieldWithItsValue(SpecificRecordBase fact, List<String> expected) {
        assertThat(FactValidator.violations(fact)).singleElement().asString().contains(expected);
    }

    @Test
    void absentTeamOfASignupAndAbsentUserOfATeamLevelFactAreValid() {
        SpecificRecordBase signupWithoutTeam = withField(UserSignedUp.class, "team_id", null);
        SpecificRecordBase subscriptionWithoutUser = withField(SubscriptionStarted.class, "user_id", null);

        assertThat(FactValidator.violations(signupWithoutTeam)).isEmpty();
        assertThat(FactValidator.violations(subscriptionWithoutUser)).isEmpty();
    }

    @Test
    void zeroIsAValidCount() {
        assertThat(FactValidator.violations(withField(SubscriptionStarted.class, "seats", 0)))
                .isEmpty();
        assertThat(FactValidator.violations(withField(PrListExported.class, "row_count", 0)))
                .isEmpty();
    }

    @Test
    void reportsEveryViolationOfAFactOneLineEach() {
        SpecificRecordBase fact = SampleFacts.complete(SubscriptionStarted.class);
        fact.put("event_id", "");
        fact.put("team_id", " ");
        fact.put("seats", -2);

        assertThat(FactValidator.violations(fact))
                .hasSize(3)
                .anySatisfy(line -> assertThat(line).startsWith("event_id"))
                .anySatisfy(line -> assertThat(line).startsWith("team_id"))
                .anySatisfy(line -> assertThat(line).startsWith("seats"));
    }

    private static Arguments broken(
            String name, Class<? extends SpecificRecordBase> type, String field, Object value, String... expected) {
        return Arguments.of(
                named(name + " (" + type.getSimpleName() + ")", withField(type, field, value)), List.of(expected));
    }

    private static SpecificRecordBase withField(Class<? extends SpecificRecordBase> type, String field, Object value) {
        SpecificRecordBase fact = SampleFacts.complete(type);
        fact.put(field, value);
        return fact;
    }
}
