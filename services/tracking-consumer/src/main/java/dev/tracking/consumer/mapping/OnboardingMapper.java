package dev.tracking.consumer.mapping;

import static dev.tracking.consumer.mapping.EventBuilder.event;

import dev.tracking.facts.OnboardingCompleted;
import dev.tracking.facts.OnboardingStepCompleted;
import dev.tracking.facts.OnboardingStepSkipped;
import dev.tracking.facts.UserSignedUp;
import dev.tracking.schemas.FactFamily;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Signup and onboarding funnel: {@code user_signed_up}, {@code onboarding_step_completed}, ... */
final class OnboardingMapper implements FamilyMapper {
    static final EventType USER_SIGNED_UP = EventType.of("user_signed_up", Tier.CORE_FUNNEL);
    static final EventType ONBOARDING_STEP_COMPLETED = EventType.of("onboarding_step_completed", Tier.CORE_FUNNEL);
    static final EventType ONBOARDING_SKIPPED = EventType.of("onboarding_skipped", Tier.CORE_FUNNEL);
    static final EventType ONBOARDING_COMPLETED = EventType.of("onboarding_completed", Tier.CORE_FUNNEL);

    @Override
    public FactFamily family() {
        return FactFamily.ONBOARDING;
    }

    @Override
    public Map<Class<? extends SpecificRecord>, List<EventType>> events() {
        return Map.of(
                UserSignedUp.class, List.of(USER_SIGNED_UP),
                OnboardingStepCompleted.class, List.of(ONBOARDING_STEP_COMPLETED),
                OnboardingStepSkipped.class, List.of(ONBOARDING_SKIPPED),
                OnboardingCompleted.class, List.of(ONBOARDING_COMPLETED));
    }

    @Override
    public void map(SpecificRecord fact, List<PostHogEvent> out) {
        if (fact instanceof UserSignedUp f) {
            out.add(event(USER_SIGNED_UP, f)
                    .property("method", f.getMethod())
                    // first write wins: a later UserProfileUpdated (another topic, so possibly delivered first)
                    // keeps its newer email and name
                    .setOnce("email", f.getEmail())
                    .setOnce("name", f.getName())
                    .setOnce("signup_date", f.getOccurredAt())
                    .build());
        } else if (fact instanceof OnboardingStepCompleted f) {
            out.add(event(ONBOARDING_STEP_COMPLETED, f)
                    .property("step", f.getStep())
                    .property("duration_seconds", f.getDurationSeconds())
                    .build());
        } else if (fact instanceof OnboardingStepSkipped f) {
            out.add(event(ONBOARDING_SKIPPED, f).property("step", f.getStep()).build());
        } else if (fact instanceof OnboardingCompleted f) {
            out.add(event(ONBOARDING_COMPLETED, f).build());
        } else {
            throw FactMapping.unknown(this, fact);
        }
    }
}
