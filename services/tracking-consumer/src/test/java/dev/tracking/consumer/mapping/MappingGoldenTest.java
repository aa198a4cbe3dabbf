package dev.tracking.consumer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.fixtures.FactFixtures;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;

class MappingGoldenTest {
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    @TestFactory
    List<DynamicTest> everyFactTypeProducesExactlyItsGoldenEvents() {
        return FactFixtures.oneOfEachType().entrySet().stream()
                .map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
                    List<String> actual = GoldenEvents.actual(entry.getValue());
                    if (UPDATE) {
                        GoldenEvents.write(entry.getKey(), actual);
                    }
                    assertThat(actual)
                            .as("PostHog events of %s (golden/%s.json)", entry.getKey(), entry.getKey())
                            .containsExactlyElementsOf(GoldenEvents.of(entry.getKey()));
                }))
                .toList();
    }

    @Test
    void everyRecordTypeOfTheSchemasHasAMappingAFixtureAndAGoldenFile() throws ClassNotFoundException {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(SpecificRecordBase.class));
        List<String> scanned = scanner.findCandidateComponents("dev.tracking.facts").stream()
                .map(bean -> bean.getBeanClassName()
                        .substring(bean.getBeanClassName().lastIndexOf('.') + 1))
                .sorted()
                .toList();
        assertThat(scanned)
                .as("record classes generated from schemas/")
                .containsExactlyElementsOf(FactFamily.typeNames());

        Map<String, SpecificRecordBase> fixtures = FactFixtures.oneOfEachType();
        for (String type : scanned) {
            assertThat(fixtures)
                    .as("a fixture of %s in FactFixtures.oneOfEachType()", type)
                    .containsKey(type);
            assertThat(GoldenEvents.of(type)).as("golden/%s.json", type).isNotNull();
            assertThat(FactMapping.standard().map(fixtures.get(type)))
                    .as("mapping of %s", type)
                    .isNotEmpty();
        }
    }
}
