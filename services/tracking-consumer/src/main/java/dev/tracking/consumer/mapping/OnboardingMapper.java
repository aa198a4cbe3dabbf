package dev.tracking.consumer.mapping;

import static dev.tracking.consumer.mapping.EventBuilder.event;

import dev.tracking.facts.OnboardingCompleted;
import dev.tracking.facts.OnboardingStepCompleted;
import dev.tracking.facts.OnboardingStepSkipped;
import dev.tracking.facts.UserSignedUp;
import dev.tracking.schemas.FactFamily;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Signup and onboarding funnel: {@code user_signed_up}, {@code onboarding_step_completed}, ... */
final class OnboardingMapper implements FamilyMapper {

    @Override
    public FactFamily family() {
        return FactFamily.ONBOARDING;
    }

    @Override
    public void map(SpecificRecord fact, List<PostHogEvent> out) {
        if (fact instanceof UserSignedUp f) {
            out.add(event("user_signed_up", f)
                    .property("method", f.getMethod())
                    // first write wins: a later UserProfileUpdated (another topic, so possibly delivered first)
                    // keeps its newer email and name
                    .setOnce("email", f.getEmail())
                    .setOnce("name", f.getName())
                    .setOnce("signup_date", f.getOccurredAt())
                    .build());
        } else if (fact instanceof OnboardingStepCompleted f) {
            out.add(event("onboarding_step_completed", f)
                    .property("step", f.getStep())
                    .property("duration_seconds", f.getDurationSeconds())
                    .build());
        } else if (fact instanceof OnboardingStepSkipped f) {
            out.add(event("onboarding_skipped", f).property("step", f.getStep()).build());
        } else if (fact instanceof OnboardingCompleted f) {
            out.add(event("onboarding_completed", f).build());
        } else {
            throw FactMapping.unknown(this, fact);
        }
    }
}
