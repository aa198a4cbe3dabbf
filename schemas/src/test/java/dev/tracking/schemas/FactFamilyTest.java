package dev.tracking.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FactFamilyTest {

    @Test
    void everyRecordSchemaFileIsACatalogueFactAndViceVersa() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/avro"))) {
            var recordNames = files.filter(p -> p.toString().endsWith(".avsc"))
                    .map(p -> p.getFileName().toString().replace(".avsc", ""))
                    .sorted()
                    .toList();
            assertThat(recordNames).isNotEmpty().containsExactlyElementsOf(FactFamily.typeNames());
        }
    }

    @Test
    void everyFactTypeBelongsToExactlyOneFamily() {
        assertThat(FactFamily.allTypes()).doesNotHaveDuplicates();
        FactFamily.allTypes()
                .forEach(type -> assertThat(FactFamily.of(type).types()).contains(type));
    }

    @Test
    void familiesHaveDistinctTopics() {
        assertThat(Stream.of(FactFamily.values()).map(FactFamily::defaultTopic)).doesNotHaveDuplicates();
    }
}
