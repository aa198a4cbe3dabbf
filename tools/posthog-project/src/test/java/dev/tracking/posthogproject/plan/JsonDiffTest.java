package dev.tracking.posthogproject.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.posthogproject.plan.JsonDiff.FieldDiff;
import org.junit.jupiter.api.Test;

class JsonDiffTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void fieldsPostHogAddsAreNotDifferences() throws Exception {
        JsonNode declared = json("{\"filters\": {\"properties\": {\"type\": \"OR\", \"values\": [{\"key\": \"e\"}]}}}");
        JsonNode actual = json("{\"id\": 3, \"filters\": {\"properties\": {\"type\": \"OR\", \"values\": [{\"key\":"
                + " \"e\", \"bytecode\": [\"_H\"], \"conditionHash\": \"ab\"}]}}, \"count\": null}");

        assertThat(JsonDiff.covers(declared, actual)).isTrue();
    }

    @Test
    void aChangedValueIsReportedAtItsPath() throws Exception {
        JsonNode declared = json("{\"filters\": {\"groups\": [{\"rollout_percentage\": 25}]}}");
        JsonNode actual = json("{\"filters\": {\"groups\": [{\"rollout_percentage\": 0, \"variant\": null}]}}");

        assertThat(JsonDiff.differences("", declared, actual))
                .containsExactly(new FieldDiff("filters.groups[0].rollout_percentage", "0", "25"));
    }

    @Test
    void aListOfAnotherLengthIsReportedWhole() throws Exception {
        assertThat(JsonDiff.differences("steps", json("[1, 2, 3]"), json("[1, 2]")))
                .containsExactly(new FieldDiff("steps", "[1,2]", "[1,2,3]"));
    }

    @Test
    void numbersCompareByValueAndDeclaredNullMatchesAbsent() throws Exception {
        assertThat(JsonDiff.covers(json("{\"a\": 14, \"b\": null}"), json("{\"a\": 14.0}")))
                .isTrue();
        assertThat(JsonDiff.covers(json("{\"a\": null}"), json("{\"a\": 1}"))).isFalse();
        assertThat(JsonDiff.covers(json("{\"a\": \"14\"}"), json("{\"a\": 14}")))
                .isFalse();
    }

    @Test
    void aMissingDeclaredKeyIsADifference() throws Exception {
        assertThat(JsonDiff.differences("", json("{\"query\": {\"kind\": \"X\"}}"), json("{}")))
                .containsExactly(new FieldDiff("query", "(absent)", "{\"kind\":\"X\"}"));
    }
}
