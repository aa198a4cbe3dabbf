package dev.tracking.consumer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.posthogproject.declaration.DeclarationReader;
import dev.tracking.testkit.fixtures.FactFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/tracking-plan.md} is what the code generates ({@link TrackingPlan}): every event with its tier and
 * properties, the facts with their person and group properties, the funnels of {@code posthog/project.yaml}. Run {@code
 * make tracking-plan} (this test with {@code -Dtracking-plan.update=true}) to regenerate it, then review the diff.
 */
class TrackingPlanTest {
    private static final Path PAGE = Path.of("../../docs/tracking-plan.md");
    private static final Path PROJECT = Path.of("../../posthog/project.yaml");

    @Test
    void theCommittedTrackingPlanIsWhatTheCodeGenerates() throws Exception {
        String generated = new TrackingPlan(
                        FactMapping.standard(), FactFixtures.oneOfEachType(), DeclarationReader.read(PROJECT))
                .markdown();
        if (Boolean.getBoolean("tracking-plan.update")) {
            Files.writeString(PAGE, generated);
        }

        assertThat(Files.readString(PAGE))
                .as("docs/tracking-plan.md against the code; regenerate with `make tracking-plan` and review the diff")
                .isEqualTo(generated);
    }
}
