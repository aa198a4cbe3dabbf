package dev.tracking.consumer.mapping;

import static dev.tracking.consumer.mapping.EventBuilder.event;
import static dev.tracking.consumer.mapping.EventBuilder.groupIdentify;

import dev.tracking.facts.TeamMemberInvited;
import dev.tracking.facts.TeamProfileUpdated;
import dev.tracking.facts.UserProfileUpdated;
import dev.tracking.schemas.FactFamily;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** People and teams: invitations, the team's group properties, the person's properties via {@code $identify}. */
final class ProfilesMapper implements FamilyMapper {

    @Override
    public FactFamily family() {
        return FactFamily.PROFILES;
    }

    @Override
    public void map(SpecificRecord fact, List<PostHogEvent> out) {
        if (fact instanceof TeamMemberInvited f) {
            out.add(event("team_member_invited", f)
                    .property("role", f.getRole())
                    .build());
        } else if (fact instanceof TeamProfileUpdated f) {
            out.add(groupIdentify(f)
                    .groupSet("name", f.getName())
                    .groupSet("member_count", f.getMemberCount())
                    .build());
        } else if (fact instanceof UserProfileUpdated f) {
            out.add(event("$identify", f)
                    .set("email", f.getEmail())
                    .set("name", f.getName())
                    .set("role", f.getRole())
                    .build());
        } else {
            throw FactMapping.unknown(this, fact);
        }
    }
}
