package dev.tracking.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.PostHogEvent;
import dev.tracking.testkit.fixtures.FactFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class BatchBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<PostHogEvent> someEvents() {
        List<PostHogEvent> events = new ArrayList<>();
        FactFixtures.oneOfEachType()
                .values()
                .forEach(fact -> events.addAll(FactMapping.standard().map(fact)));
        return events;
    }

    @Test
    void theBodyIsTheCaptureBatchEnvelopeAroundTheRenderedEvents() throws IOException {
        List<PostHogEvent> events = someEvents();

        JsonNode body = JSON.readTree(BatchBody.json("phc_key\"quoted", false, events));

        assertThat(body.path("api_key").asText()).isEqualTo("phc_key\"quoted");
        assertThat(body.has("historical_migration")).isFalse();
        assertThat(body.has("sent_at"))
                .as("sent_at would shift resent timestamps")
                .isFalse();
        assertThat(body.path("batch")).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            assertThat(JSON.writeValueAsString(body.path("batch").get(i)))
                    .isEqualTo(events.get(i).jsonText());
        }
    }

    @Test
    void historicalMigrationIsFlaggedWhenAsked() throws IOException {
        JsonNode body = JSON.readTree(BatchBody.json("k", true, someEvents()));

        assertThat(body.path("historical_migration").asBoolean()).isTrue();
    }

    @Test
    void aCompressedBodyGunzipsToTheSameJson() throws IOException {
        List<PostHogEvent> events = someEvents();
        BatchBody body = BatchBody.of("k", false, events, 1);

        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(body.bytes())).readAllBytes();

        assertThat(body.gzip()).isTrue();
        assertThat(unzipped).isEqualTo(BatchBody.json("k", false, events));
        assertThat(body.uncompressedSize()).isEqualTo(unzipped.length);
        assertThat(body.bytes().length).isLessThan(unzipped.length);
    }

    @Test
    void levelZeroSendsTheJsonAsIs() {
        BatchBody body = BatchBody.of("k", false, someEvents(), 0);

        assertThat(body.gzip()).isFalse();
        assertThat(body.bytes()).isEqualTo(BatchBody.json("k", false, someEvents()));
    }
}
