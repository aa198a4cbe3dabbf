package dev.tracking.replay;

import dev.tracking.schemas.FactFamily;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The source topics (one per fact family, {@code TRACKING_TOPICS_<FAMILY>} or the default) and their dead-letter
 * topics, {@code <topic>-dlt}.
 */
record TopicCatalogue(Map<FactFamily, String> sources) {
    static final String DEAD_LETTER_SUFFIX = "-dlt";

    /** Every source topic, in family order. */
    List<String> sourceTopics() {
        return List.copyOf(sources.values());
    }

    static String deadLetterTopicOf(String source) {
        return source + DEAD_LETTER_SUFFIX;
    }

    /**
     * The source topics named by {@code --topic} values, each a source topic or its dead-letter topic; every source
     * topic when none is given.
     *
     * @throws ReplayException (usage) naming a topic that is neither, with the valid names
     */
    Set<String> select(Collection<String> named) {
        if (named == null || named.isEmpty()) {
            return new LinkedHashSet<>(sourceTopics());
        }
        Set<String> selected = new LinkedHashSet<>();
        for (String name : named) {
            String source = name.endsWith(DEAD_LETTER_SUFFIX)
                    ? name.substring(0, name.length() - DEAD_LETTER_SUFFIX.length())
                    : name;
            if (!sources.containsValue(source)) {
                List<String> valid = new ArrayList<>();
                sourceTopics().forEach(topic -> {
                    valid.add(topic);
                    valid.add(deadLetterTopicOf(topic));
                });
                throw ReplayException.usage("unknown topic '" + name + "': expected a fact topic or its dead-letter"
                        + " topic: " + String.join(", ", valid)
                        + " (TRACKING_TOPICS_<FAMILY> renames a family's topic)");
            }
            selected.add(source);
        }
        return selected;
    }
}
