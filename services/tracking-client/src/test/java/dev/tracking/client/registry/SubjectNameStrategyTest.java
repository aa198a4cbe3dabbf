package dev.tracking.client.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracking.facts.SubscriptionStarted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectNameStrategyTest {

    @Test
    void namesSubjectsAsConfluentsStrategiesDo() {
        var schema = SubscriptionStarted.getClassSchema();

        assertThat(SubjectNameStrategy.TOPIC.subject("facts.subscriptions", schema))
                .isEqualTo("facts.subscriptions-value");
        assertThat(SubjectNameStrategy.RECORD.subject("facts.subscriptions", schema))
                .isEqualTo("dev.tracking.facts.SubscriptionStarted");
        assertThat(SubjectNameStrategy.TOPIC_RECORD.subject("facts.subscriptions", schema))
                .isEqualTo("facts.subscriptions-dev.tracking.facts.SubscriptionStarted");
    }

    @Test
    void defaultGivesEachFactTypeItsOwnSubject() {
        assertThat(SubjectNameStrategy.DEFAULT).isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
        assertThat(SubjectNameStrategy.DEFAULT.sharesSubjectAcrossTypes()).isFalse();
        assertThat(SubjectNameStrategy.TOPIC.sharesSubjectAcrossTypes()).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "topic, TOPIC",
        "RECORD, RECORD",
        "topic-record, TOPIC_RECORD",
        "topic_record, TOPIC_RECORD",
        "TopicNameStrategy, TOPIC",
        "RecordNameStrategy, RECORD",
        "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy, TOPIC_RECORD"
    })
    void parsesOurNamesAndConfluentsClassNames(String value, SubjectNameStrategy expected) {
        assertThat(SubjectNameStrategy.parse(value)).isEqualTo(expected);
    }

    @Test
    void refusesAnUnknownStrategyNamingTheChoices() {
        assertThatThrownBy(() -> SubjectNameStrategy.parse("by-team"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'by-team'")
                .hasMessageContaining("topic, record or topic-record");
    }
}
