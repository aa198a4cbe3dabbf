package dev.tracking.consumer.mapping;

import static dev.tracking.consumer.mapping.EventBuilder.event;
import static dev.tracking.consumer.mapping.EventBuilder.groupIdentify;

import dev.tracking.facts.TeamMemberInvited;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.facts.UserProfileUpdated;
import dev.tracking.schemas.FactFamily;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** People and teams: invitations, the team's group properties, the person's properties via {@code $identify}. */
final class ProfilesMapper implements FamilyMapper {
    static final EventType TEAM_MEMBER_INVITED = EventType.of("team_member_invited", Tier.GROWTH);
    /** A person's properties ({@code $set}): a profile update, not tiered. */
    static final EventType IDENTIFY = EventType.untiered("$identify");

    @Override
    public FactFamily family() {
        return FactFamily.PROFILES;
    }

    @Override
    public Map<Class<? extends SpecificRecord>, List<EventType>> events() {
        return Map.of(
                TeamMemberInvited.class, List.of(TEAM_MEMBER_INVITED),
                TeamProfileUpdated.class, List.of(EventType.GROUP_IDENTIFY),
                UserProfileUpdated.class, List.of(IDENTIFY));
    }

    @Override
    public void map(SpecificRecord fact, List<PostHogEvent> out) {
        if (fact instanceof TeamMemberInvited f) {
            out.add(event(TEAM_MEMBER_INVITED, f).property("role", f.getRole()).build());
        } else if (fact instanceof TeamProfileUpdated f) {
            out.add(groupIdentify(f)
                    .groupSet("name", f.getName())
                    .groupSet("member_count", f.getMemberCount())
                    .build());
        } else if (fact instanceof UserProfileUpdated f) {
            out.add(event(IDENTIFY, f)
                    .set("email", f.getEmail())
                    .set("name", f.getName())
                    .set("role", f.getRole())
                    .build());
        } else {
            throw FactMapping.unknown(this, fact);
        }
    }
}
