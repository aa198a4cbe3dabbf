package dev.tracking.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Docs stay true: every {@code tracking.*} key of the starter (from the metadata the configuration processor
 * generated) is in the table of the README's "Publishing from a Spring Boot service", and every key there exists.
 */
class DocumentedStarterConfigurationTest {
    private static final Pattern METADATA_KEY = Pattern.compile("\"name\"\\s*:\\s*\"tracking\\.([a-z0-9.-]+)\"");
    private static final Pattern TABLE_KEY = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|", Pattern.MULTILINE);

    @Test
    void theReadmeDocumentsExactlyTheStartersKeys() throws IOException {
        Set<String> existing = keys(
                METADATA_KEY, Files.readString(Path.of("target/classes/META-INF/spring-configuration-metadata.json")));
        existing.removeIf(key -> !key.contains(".")); // the groups (tracking.outbox, ...) are no keys
        String readme = Files.readString(Path.of("../../README.md"));
        int start = readme.indexOf("## Publishing from a Spring Boot service");
        assertThat(start).as("the README's starter section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        Set<String> documented = keys(TABLE_KEY, readme.substring(start, end < 0 ? readme.length() : end));

        assertThat(existing).as("keys of TrackingProperties").isNotEmpty();
        assertThat(documented).as("keys in the README's starter table").containsExactlyInAnyOrderElementsOf(existing);
    }

    private static Set<String> keys(Pattern pattern, String text) {
        Set<String> keys = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            keys.add(matcher.group(1));
        }
        return keys;
    }
}
