package dev.tracking.consumer.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class SchemasHealthTest {
    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

    private final MovableClock clock = new MovableClock(START);
    private final UnknownSchemaHold hold = new UnknownSchemaHold(Duration.ofMinutes(10), clock);
    private final SchemasHealth health = new SchemasHealth(hold);

    @Test
    void upWhileEveryWriterSchemaIsKnown() {
        Health now = health.health();

        assertThat(now.getStatus()).isEqualTo(Status.UP);
        assertThat(now.getDetails()).containsExactly(Map.entry("unknownSchemaHold", "10m"));
    }

    @Test
    void downWhileRecordsAreHeldNamingEachSchemaSinceWhenAndWhenItsRecordsWillBeDeadLettered() {
        hold.unknown("registry-id:7", "facts.subscriptions-0@12");
        clock.move(Duration.ofMinutes(2));
        hold.unknown("fingerprint:0000000000000001", "facts.integrations-1@3");

        Health now = health.health();

        assertThat(now.getStatus()).isEqualTo(Status.DOWN);
        assertThat(now.getDetails().get("held"))
                .isEqualTo(Map.of(
                        "registry-id:7",
                        Map.of(
                                "since", "2026-03-02T09:00:00Z",
                                "deadLetterAt", "2026-03-02T09:10:00Z",
                                "lastRecord", "facts.subscriptions-0@12"),
                        "fingerprint:0000000000000001",
                        Map.of(
                                "since", "2026-03-02T09:02:00Z",
                                "deadLetterAt", "2026-03-02T09:12:00Z",
                                "lastRecord", "facts.integrations-1@3")));
    }

    @Test
    void upAgainOnceTheHoldIsOverListingTheSchemasWhoseRecordsAreDeadLettered() {
        hold.unknown("registry-id:7", "facts.subscriptions-0@12");
        clock.move(Duration.ofMinutes(10));

        Health now = health.health();

        assertThat(now.getStatus()).isEqualTo(Status.UP);
        assertThat(now.getDetails()).doesNotContainKey("held");
        assertThat(now.getDetails().get("deadLettering"))
                .isEqualTo(Map.of(
                        "registry-id:7",
                        Map.of(
                                "since", "2026-03-02T09:00:00Z",
                                "deadLetteredSince", "2026-03-02T09:10:00Z",
                                "lastRecord", "facts.subscriptions-0@12")));
    }

    @Test
    void upAgainOnceTheSchemaIsKnown() {
        hold.unknown("registry-id:7", "facts.subscriptions-0@12");
        clock.move(Duration.ofMinutes(1));

        hold.resolved("registry-id:7");

        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getDetails()).containsOnlyKeys("unknownSchemaHold");
    }

    @Test
    void remembersABoundedNumberOfSchemasForgettingTheOneSeenLeastRecently() {
        for (int id = 0; id < UnknownSchemaHold.CAPACITY; id++) {
            hold.unknown("registry-id:" + id, "t-0@" + id);
        }
        hold.unknown("registry-id:0", "t-0@0"); // seen again: now the most recent

        hold.unknown("registry-id:" + UnknownSchemaHold.CAPACITY, "t-0@x");

        assertThat(hold.held())
                .hasSize(UnknownSchemaHold.CAPACITY)
                .extracting(UnknownSchemaHold.Unknown::writerSchema)
                .contains("registry-id:0")
                .doesNotContain("registry-id:1");
    }
}
