package dev.tracking.client.cli;

import static dev.tracking.testkit.fixtures.FactFixtures.ALICE;
import static dev.tracking.testkit.fixtures.FactFixtures.BOB;
import static dev.tracking.testkit.fixtures.FactFixtures.prListExported;
import static dev.tracking.testkit.fixtures.FactFixtures.signupOf;
import static dev.tracking.testkit.fixtures.FactFixtures.stepCompleted;
import static dev.tracking.testkit.fixtures.FactFixtures.surveyAnswered;
import static dev.tracking.testkit.fixtures.FactFixtures.teamRenamed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.OnboardingStep;
import dev.tracking.schemas.FactFamily;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FactJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsEnumSymbolInstantAndNullableFieldsOfASignup() {
        var parsed = parse("""
                {"type": "UserSignedUp", "event_id": "%s", "occurred_at": "2026-03-02T09:00:00.123Z",
                 "team_id": null, "user_id": "user-alice", "source": "signup-service",
                 "email": "user-alice@acme.example", "name": "Alice Liddell", "method": "GITHUB"}
                """.formatted(signupOf(ALICE).getEventId()));

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.fact()).isEqualTo(signupOf(ALICE));
    }

    @Test
    void readsALongField() {
        var parsed =
                parse("""
                {"type": "OnboardingStepCompleted", "event_id": "%s", "occurred_at": "2026-03-02T09:01:00.123Z",
                 "team_id": "acme", "user_id": "user-alice", "source": "fixture-service",
                 "step": "GITHUB", "duration_seconds": 95}
                """.formatted(stepCompleted(ALICE, OnboardingStep.GITHUB).getEventId()));

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.fact()).isEqualTo(stepCompleted(ALICE, OnboardingStep.GITHUB));
    }

    @Test
    void readsAnIntField() {
        var parsed = parse("""
                {"type": "PrListExported", "event_id": "%s", "occurred_at": "2026-03-02T09:09:00.123Z",
                 "team_id": "acme", "user_id": "user-bob", "source": "fixture-service",
                 "format": "CSV", "row_count": 250}
                """.formatted(prListExported().getEventId()));

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.fact()).isEqualTo(prListExported());
    }

    @Test
    void readsABooleanField() {
        var parsed = parse("""
                {"type": "SurveyResponseSubmitted", "event_id": "%s", "occurred_at": "2026-03-02T09:10:00.123Z",
                 "team_id": "acme", "user_id": "%s", "source": "fixture-service",
                 "response_type": "REVIEWER", "ai_assisted": true}
                """.formatted(surveyAnswered().getEventId(), BOB));

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.fact()).isEqualTo(surveyAnswered());
    }

    @Test
    void readsANullableIntGivenAsANumber() {
        Instant at = Instant.parse("2026-03-02T10:00:00Z");
        var parsed = parse("""
                {"type": "TeamProfileUpdated", "event_id": "%s", "occurred_at": "2026-03-02T10:00:00Z",
                 "team_id": "acme", "user_id": null, "source": "fixture-service", "name": "Acme", "member_count": 7}
                """.formatted(teamRenamed("Acme", at).getEventId()));

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.fact()).isEqualTo(teamRenamed("Acme", at));
    }

    @Test
    void leavesOutEventIdOccurredAtAndOptionalFieldsAsTheirDefaults() {
        var parsed = parse("""
                {"type": "DashboardViewed", "team_id": "acme", "user_id": "user-alice"}
                """);

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.fact()).isEqualTo(new DashboardViewed("", Instant.EPOCH, "acme", ALICE, null));
    }

    @Test
    void unknownTypeListsTheValidOnes() {
        var parsed = parse("{\"type\": \"UserLoggedIn\", \"user_id\": \"user-alice\"}");

        assertThat(parsed.fact()).isNull();
        assertThat(parsed.problems())
                .singleElement()
                .asString()
                .contains("unknown type \"UserLoggedIn\"")
                .contains(FactFamily.typeNames());
    }

    @Test
    void missingTypeListsTheValidOnes() {
        var parsed = parse("{\"user_id\": \"user-alice\"}");

        assertThat(parsed.problems())
                .singleElement()
                .asString()
                .contains("missing \"type\"")
                .contains("UserSignedUp", "SubscriptionStarted");
    }

    @Test
    void unknownFieldIsNamedWithTheFieldsOfTheType() {
        var parsed = parse("{\"type\": \"DashboardViewed\", \"team_id\": \"acme\", \"user_id\": \"u\", \"teamId\": 1}");

        assertThat(parsed.fact()).isNull();
        assertThat(parsed.problems())
                .singleElement()
                .asString()
                .contains("unknown field \"teamId\"", "DashboardViewed", "team_id", "user_id");
    }

    @Test
    void badEnumSymbolListsTheValidSymbols() {
        var parsed = parse("""
                {"type": "UserSignedUp", "user_id": "u", "email": "u@acme.example", "method": "PASSWORD"}
                """);

        assertThat(parsed.problems())
                .singleElement()
                .asString()
                .contains("method", "PASSWORD", "EMAIL", "GOOGLE", "GITHUB");
    }

    @Test
    void missingRequiredFieldIsNamed() {
        var parsed = parse("{\"type\": \"SubscriptionStarted\", \"team_id\": \"acme\", \"seats\": 3}");

        assertThat(parsed.problems()).singleElement().asString().contains("missing field \"plan\"");
    }

    @Test
    void nullForARequiredFieldIsRefused() {
        var parsed = parse("{\"type\": \"DashboardViewed\", \"team_id\": null, \"user_id\": \"u\"}");

        assertThat(parsed.problems()).singleElement().asString().contains("team_id");
    }

    @Test
    void wrongJsonTypesAreNamedWithTheValueGiven() {
        var seatsAsText = parse(subscription("\"plan\": \"team\", \"seats\": \"twelve\""));
        var seatsTooLarge = parse(subscription("\"plan\": \"team\", \"seats\": 3000000000"));
        var seatsAsFraction = parse(subscription("\"plan\": \"team\", \"seats\": 1.5"));
        var planAsNumber = parse(subscription("\"plan\": 7, \"seats\": 1"));
        var aiAssistedAsText = parse("""
                {"type": "SurveyResponseSubmitted", "team_id": "acme", "user_id": "u",
                 "response_type": "AUTHOR", "ai_assisted": "yes"}
                """);

        assertThat(seatsAsText.problems()).singleElement().asString().contains("seats", "\"twelve\"");
        assertThat(seatsTooLarge.problems()).singleElement().asString().contains("seats", "3000000000");
        assertThat(seatsAsFraction.problems()).singleElement().asString().contains("seats", "1.5");
        assertThat(planAsNumber.problems()).singleElement().asString().contains("plan", "7");
        assertThat(aiAssistedAsText.problems()).singleElement().asString().contains("ai_assisted", "\"yes\"");
    }

    @Test
    void badTimestampIsNamedWithAnExample() {
        var notAnInstant = parse("{\"type\": \"DashboardViewed\", \"team_id\": \"acme\", \"user_id\": \"u\","
                + " \"occurred_at\": \"yesterday\"}");
        var epochMillis = parse("{\"type\": \"DashboardViewed\", \"team_id\": \"acme\", \"user_id\": \"u\","
                + " \"occurred_at\": 1772441999000}");

        assertThat(notAnInstant.problems()).singleElement().asString().contains("occurred_at", "yesterday", "ISO-8601");
        assertThat(epochMillis.problems())
                .singleElement()
                .asString()
                .contains("occurred_at", "1772441999000", "ISO-8601");
    }

    @Test
    void reportsEveryProblemOfALine() {
        var parsed = parse("{\"type\": \"SubscriptionStarted\", \"team_id\": 5, \"seats\": \"x\", \"colour\": 1}");

        assertThat(parsed.fact()).isNull();
        assertThat(parsed.problems())
                .hasSize(4)
                .anySatisfy(p -> assertThat(p).contains("colour"))
                .anySatisfy(p -> assertThat(p).contains("team_id"))
                .anySatisfy(p -> assertThat(p).contains("plan"))
                .anySatisfy(p -> assertThat(p).contains("seats"));
    }

    @Test
    void somethingOtherThanAnObjectIsRefused() {
        assertThat(parse("[1, 2]").problems()).containsExactly("not a JSON object");
        assertThat(parse("\"UserSignedUp\"").problems()).containsExactly("not a JSON object");
    }

    private static String subscription(String fields) {
        return "{\"type\": \"SubscriptionStarted\", \"team_id\": \"acme\", " + fields + "}";
    }

    private static FactJson.Parsed parse(String json) {
        try {
            return FactJson.parse(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new AssertionError("test JSON does not parse: " + json, e);
        }
    }
}
