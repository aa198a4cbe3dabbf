package dev.tracking.bench.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.cli.FunnelSimulator;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.PostHogEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SdkCallTest {
    private static final Instant MONDAY_9AM = Instant.parse("2026-03-02T09:00:00.123Z");
    private static final List<PostHogEvent> EVENTS = mappedEvents();

    @Test
    void personPropertiesGoToTheirOptionsAndTheSdkNamesItsOwnLibrary() {
        SdkCall.Capture identify = (SdkCall.Capture) SdkCall.of(first("$identify"));

        assertThat(identify.event()).isEqualTo("$identify");
        assertThat(identify.set()).containsKey("name");
        assertThat(identify.properties()).doesNotContainKeys("$set", "$set_once", "$groups", "$lib");
        assertThat(identify.groups()).containsOnlyKeys("team");
        assertThat(identify.timestamp()).isEqualTo(MONDAY_9AM);
    }

    @Test
    void signupSetsOnce() {
        SdkCall.Capture signup = (SdkCall.Capture) SdkCall.of(first("user_signed_up"));

        assertThat(signup.setOnce()).containsKeys("email", "signup_date");
        assertThat(signup.properties()).containsKey("method");
    }

    @Test
    void aGroupUpdateBecomesGroup() {
        PostHogEvent update = first("$groupidentify");
        SdkCall.Group group = (SdkCall.Group) SdkCall.of(update);

        assertThat(group.distinctId()).isEqualTo(update.distinctId());
        assertThat(group.type()).isEqualTo("team");
        assertThat(group.key()).isEqualTo(update.distinctId().substring("$team_".length()));
        assertThat(group.properties()).isNotEmpty();
    }

    @Test
    void everyMappedEventHasACall() {
        assertThat(EVENTS).allSatisfy(event -> assertThat(SdkCall.of(event)).isNotNull());
    }

    private static PostHogEvent first(String name) {
        return EVENTS.stream()
                .filter(event -> event.event().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in the simulated facts"));
    }

    private static List<PostHogEvent> mappedEvents() {
        FunnelSimulator simulator = FunnelSimulator.withTurnover(7, 5, Clock.fixed(MONDAY_9AM, ZoneOffset.UTC));
        FactMapping mapping = FactMapping.standard();
        return IntStream.range(0, 3_000)
                .mapToObj(i -> simulator.next())
                .flatMap(fact -> mapping.map(fact).stream())
                .toList();
    }
}
