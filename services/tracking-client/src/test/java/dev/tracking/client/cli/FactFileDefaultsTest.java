package dev.tracking.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.facts.DashboardViewed;
import dev.tracking.schemas.Facts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event_id and occurred_at a fact file gives the lines that leave them out; files only, no broker. */
class FactFileDefaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Alice opens the dashboard, with the id and time left out. */
    private static final String ALICE_ON_THE_DASHBOARD =
            "{\"type\": \"DashboardViewed\", \"team_id\": \"acme\", \"user_id\": \"user-alice\"}";
    /** Bob opens the dashboard, with the id and time left out. */
    private static final String BOB_ON_THE_DASHBOARD =
            "{\"type\": \"DashboardViewed\", \"team_id\": \"acme\", \"user_id\": \"user-bob\"}";
    /** When the fact file was last saved. */
    private static final Instant SAVED_AT = Instant.parse("2026-03-02T10:15:30.123456Z");

    @TempDir
    Path dir;

    @Test
    void theSameFileGivesEveryLineTheSameIdAndTimeOnEveryRun() throws IOException {
        Path file = factFile(ALICE_ON_THE_DASHBOARD, BOB_ON_THE_DASHBOARD);

        List<SpecificRecordBase> firstRun = readFacts(file);
        List<SpecificRecordBase> secondRun = readFacts(file);

        assertThat(secondRun).isEqualTo(firstRun);
        assertThat(firstRun).extracting(Facts::eventId).doesNotContain("").doesNotHaveDuplicates();
        assertThat(firstRun)
                .extracting(Facts::occurredAt)
                .as("the file's last-modified time, to the millisecond")
                .containsOnly(Instant.parse("2026-03-02T10:15:30.123Z"));
    }

    @Test
    void theSameTextOnAnotherLineIsAnotherFact() throws IOException {
        Path file = factFile(ALICE_ON_THE_DASHBOARD, ALICE_ON_THE_DASHBOARD);

        List<SpecificRecordBase> facts = readFacts(file);

        assertThat(facts).extracting(Facts::eventId).doesNotHaveDuplicates();
        assertThat(FactFileDefaults.eventIdOf(1, ALICE_ON_THE_DASHBOARD))
                .isNotEqualTo(FactFileDefaults.eventIdOf(2, ALICE_ON_THE_DASHBOARD));
    }

    @Test
    void anotherTextOnTheSameLineIsAnotherFact() {
        assertThat(FactFileDefaults.eventIdOf(1, ALICE_ON_THE_DASHBOARD))
                .isNotEqualTo(FactFileDefaults.eventIdOf(1, BOB_ON_THE_DASHBOARD))
                .isNotEqualTo(FactFileDefaults.eventIdOf(1, ALICE_ON_THE_DASHBOARD + " "));
    }

    @Test
    void aGivenEventIdAndOccurredAtAreKept() throws IOException {
        String stamped = "{\"type\": \"DashboardViewed\", \"team_id\": \"acme\", \"user_id\": \"user-alice\","
                + " \"event_id\": \"6b0d1a5c-1c7e-4d8e-9f3a-2a1b3c4d5e6f\", \"occurred_at\": \"2026-03-01T08:00:00Z\"}";
        Path file = factFile(stamped);

        assertThat(readFacts(file))
                .containsExactly(new DashboardViewed(
                        "6b0d1a5c-1c7e-4d8e-9f3a-2a1b3c4d5e6f",
                        Instant.parse("2026-03-01T08:00:00Z"),
                        "acme",
                        "user-alice",
                        null));
    }

    @Test
    void derivedIdIsAVersion5UuidThatNeverChanges() {
        UUID id = UUID.fromString(FactFileDefaults.eventIdOf(1, ALICE_ON_THE_DASHBOARD));

        assertThat(id.version()).isEqualTo(5);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id)
                .as("files published by earlier versions must repeat their ids: keep namespace and name as they are"
                        + " (value checked with Python's uuid.uuid5)")
                .hasToString("570efddf-a354-5c29-9651-55ab3e9c1c9a");
    }

    @Test
    void nameBasedUuidMatchesTheRfc9562Example() {
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        assertThat(FactFileDefaults.nameBased(dns, "www.example.com".getBytes(StandardCharsets.UTF_8)))
                .hasToString("2ed6657d-e927-568b-95e1-2665a8aea6a2");
    }

    private Path factFile(String... lines) throws IOException {
        Path file = Files.write(dir.resolve("facts.jsonl"), List.of(lines), StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(SAVED_AT));
        return file;
    }

    /** Reads every line as {@link PublishCommand} does before publishing. */
    private static List<SpecificRecordBase> readFacts(Path file) throws IOException {
        FactFileDefaults defaults = FactFileDefaults.of(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<SpecificRecordBase> facts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            SpecificRecordBase fact = parse(lines.get(i));
            defaults.fill(fact, i + 1, lines.get(i));
            facts.add(fact);
        }
        return facts;
    }

    private static SpecificRecordBase parse(String line) {
        try {
            FactJson.Parsed parsed = FactJson.parse(JSON.readTree(line));
            assertThat(parsed.problems()).as("problems of %s", line).isEmpty();
            return parsed.fact();
        } catch (JsonProcessingException e) {
            throw new AssertionError("test JSON does not parse: " + line, e);
        }
    }
}
