package dev.tracking.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.facts.SubscriptionCancelled;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.facts.UserSignedUp;
import java.util.List;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The positional accessors of {@link Facts} hold only if every schema starts with the common fields, in order. */
class FactsTest {
    private static final List<String> COMMON_FIELDS =
            List.of("event_id", "occurred_at", "team_id", "user_id", "source");

    /** The only fact types without a team: a signup before the user joins one. */
    private static final Set<Class<?>> TEAMLESS = Set.of(UserSignedUp.class);

    /** The only fact types without an acting user: team-level facts. */
    /** Facts about a team that may have no acting user (a flag checked on behalf of a team, too). */
    private static final Set<Class<?>> USERLESS = Set.of(
            SubscriptionStarted.class,
            SubscriptionCancelled.class,
            TeamProfileUpdated.class,
            dev.tracking.facts.FeatureFlagCalled.class);

    @Test
    void positionalConstantsFollowTheCommonFieldOrder() {
        assertThat(List.of(Facts.EVENT_ID, Facts.OCCURRED_AT, Facts.TEAM_ID, Facts.USER_ID, Facts.SOURCE))
                .containsExactly(0, 1, 2, 3, 4);
    }

    @TestFactory
    List<DynamicTest> everySchemaStartsWithTheCommonFieldsInOrder() {
        return perType(type -> {
            List<String> firstFields = FactFamily.schemaOf(type).getFields().stream()
                    .limit(COMMON_FIELDS.size())
                    .map(Schema.Field::name)
                    .toList();
            assertThat(firstFields)
                    .as("first fields of %s", type.getSimpleName())
                    .isEqualTo(COMMON_FIELDS);
        });
    }

    @TestFactory
    List<DynamicTest> eventIdIsAStringDefaultingToEmpty() {
        return perType(type -> {
            Schema.Field field = FactFamily.schemaOf(type).getField("event_id");
            assertThat(field.schema().getType()).isEqualTo(Schema.Type.STRING);
            assertThat(field.defaultVal()).isEqualTo("");
        });
    }

    @TestFactory
    List<DynamicTest> occurredAtIsATimestampInMillisDefaultingToTheEpoch() {
        return perType(type -> {
            Schema.Field field = FactFamily.schemaOf(type).getField("occurred_at");
            assertThat(field.schema().getType()).isEqualTo(Schema.Type.LONG);
            assertThat(field.schema().getLogicalType()).isInstanceOf(LogicalTypes.TimestampMillis.class);
            assertThat(field.defaultVal()).isEqualTo(0L);
        });
    }

    @TestFactory
    List<DynamicTest> teamIdIsNullableOnlyForUserSignedUp() {
        return perType(type -> assertThat(stringFieldNullability(type, "team_id"))
                .as("team_id of %s is nullable", type.getSimpleName())
                .isEqualTo(TEAMLESS.contains(type)));
    }

    @TestFactory
    List<DynamicTest> userIdIsNullableOnlyForTeamLevelFacts() {
        return perType(type -> assertThat(stringFieldNullability(type, "user_id"))
                .as("user_id of %s is nullable", type.getSimpleName())
                .isEqualTo(USERLESS.contains(type)));
    }

    @TestFactory
    List<DynamicTest> sourceIsAnOptionalStringDefaultingToNull() {
        return perType(type -> {
            assertThat(stringFieldNullability(type, "source")).isTrue();
            assertThat(FactFamily.schemaOf(type).getField("source").defaultVal())
                    .isEqualTo(JsonProperties.NULL_VALUE);
        });
    }

    @TestFactory
    List<DynamicTest> accessorsReadTheCommonFieldsOfEveryType() {
        return perType(type -> {
            SpecificRecordBase fact = SampleFacts.complete(type);
            assertThat(Facts.eventId(fact)).isEqualTo(SampleFacts.eventIdOf(type));
            assertThat(Facts.occurredAt(fact)).isEqualTo(SampleFacts.MONDAY_9AM);
            assertThat(Facts.teamId(fact)).isEqualTo(SampleFacts.ACME);
            assertThat(Facts.userId(fact)).isEqualTo(SampleFacts.ALICE);
            assertThat(Facts.source(fact)).isEqualTo(SampleFacts.SOURCE);
            assertThat(Facts.typeName(fact)).isEqualTo(type.getSimpleName());
        });
    }

    @Test
    void accessorsReturnNullForAnAbsentTeamOrUser() {
        SpecificRecordBase signup = SampleFacts.minimal(UserSignedUp.class);
        SpecificRecordBase subscription = SampleFacts.minimal(SubscriptionStarted.class);

        assertThat(Facts.teamId(signup)).isNull();
        assertThat(Facts.userId(subscription)).isNull();
        assertThat(Facts.source(subscription)).isNull();
    }

    /** True if the field is a union of null and string, false if a plain string; fails on anything else. */
    private static boolean stringFieldNullability(Class<? extends SpecificRecordBase> type, String name) {
        Schema schema = FactFamily.schemaOf(type).getField(name).schema();
        if (schema.getType() == Schema.Type.UNION) {
            assertThat(schema.getTypes())
                    .as("%s.%s", type.getSimpleName(), name)
                    .extracting(Schema::getType)
                    .containsExactly(Schema.Type.NULL, Schema.Type.STRING);
            return true;
        }
        assertThat(schema.getType()).as("%s.%s", type.getSimpleName(), name).isEqualTo(Schema.Type.STRING);
        return false;
    }

    private interface TypeCheck {
        void check(Class<? extends SpecificRecordBase> type);
    }

    private static List<DynamicTest> perType(TypeCheck check) {
        return FactFamily.allTypes().stream()
                .map(type -> DynamicTest.dynamicTest(type.getSimpleName(), () -> check.check(type)))
                .toList();
    }
}
