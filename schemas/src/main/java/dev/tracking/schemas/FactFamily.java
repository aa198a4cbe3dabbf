package dev.tracking.schemas;

import dev.tracking.facts.AnalyticsViewed;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.facts.FeatureFlagCalled;
import dev.tracking.facts.IntegrationConnected;
import dev.tracking.facts.IntegrationHealthChecked;
import dev.tracking.facts.IntegrationReconnected;
import dev.tracking.facts.LeaderboardViewed;
import dev.tracking.facts.OnboardingCompleted;
import dev.tracking.facts.OnboardingStepCompleted;
import dev.tracking.facts.OnboardingStepSkipped;
import dev.tracking.facts.PrListExported;
import dev.tracking.facts.SubscriptionCancelled;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.facts.SurveyResponseSubmitted;
import dev.tracking.facts.TeamMemberInvited;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.facts.UserProfileUpdated;
import dev.tracking.facts.UserSignedUp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The catalogue of facts: every fact type belongs to exactly one family, and every family has one Kafka topic
 * (default name {@link #defaultTopic()}, overridable in the publisher and consumer configuration).
 *
 * <p>This is the single place that lists fact types; the publisher routes by it, the consumer subscribes by it and a
 * build-time test checks that every {@code .avsc} record is listed here and every listed type has a mapping.
 */
public enum FactFamily {
    ONBOARDING(
            "facts.onboarding",
            UserSignedUp.class,
            OnboardingStepCompleted.class,
            OnboardingStepSkipped.class,
            OnboardingCompleted.class),
    INTEGRATIONS(
            "facts.integrations",
            IntegrationConnected.class,
            IntegrationReconnected.class,
            IntegrationHealthChecked.class),
    ENGAGEMENT(
            "facts.engagement",
            DashboardViewed.class,
            AnalyticsViewed.class,
            PrListExported.class,
            SurveyResponseSubmitted.class,
            LeaderboardViewed.class,
            FeatureFlagCalled.class),
    SUBSCRIPTIONS("facts.subscriptions", SubscriptionStarted.class, SubscriptionCancelled.class),
    PROFILES("facts.profiles", TeamMemberInvited.class, TeamProfileUpdated.class, UserProfileUpdated.class);

    private static final Map<Class<?>, FactFamily> BY_TYPE = Arrays.stream(values())
            .flatMap(family -> family.types.stream().map(type -> Map.entry(type, family)))
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

    private static final Map<String, Class<? extends SpecificRecordBase>> BY_NAME = Arrays.stream(values())
            .flatMap(family -> family.types.stream())
            .collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private final String defaultTopic;
    private final List<Class<? extends SpecificRecordBase>> types;

    @SafeVarargs
    FactFamily(String defaultTopic, Class<? extends SpecificRecordBase>... types) {
        this.defaultTopic = defaultTopic;
        this.types = List.of(types);
    }

    /** The topic this family is published to unless configured otherwise. */
    public String defaultTopic() {
        return defaultTopic;
    }

    /** Fact types of this family, in catalogue order. */
    public List<Class<? extends SpecificRecordBase>> types() {
        return types;
    }

    /** Lower-case name used in configuration keys and metric tags, e.g. {@code onboarding}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The family of a fact type. */
    public static FactFamily of(Class<? extends SpecificRecord> type) {
        FactFamily family = BY_TYPE.get(type);
        if (family == null) {
            throw new IllegalArgumentException(
                    type.getName() + " is not a fact type of the catalogue; known: " + BY_NAME.keySet());
        }
        return family;
    }

    /** Every fact type of every family. */
    public static List<Class<? extends SpecificRecordBase>> allTypes() {
        return Arrays.stream(values()).flatMap(f -> f.types.stream()).toList();
    }

    /** Fact type by its record name ({@code UserSignedUp}), as used in fact files. */
    public static Optional<Class<? extends SpecificRecordBase>> typeNamed(String recordName) {
        return Optional.ofNullable(BY_NAME.get(recordName));
    }

    /** Record names of every fact type, sorted. */
    public static List<String> typeNames() {
        return BY_NAME.keySet().stream().sorted().toList();
    }

    /** The current (reader) schema of a fact type. */
    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        return org.apache.avro.specific.SpecificData.get().getSchema(type);
    }
}
