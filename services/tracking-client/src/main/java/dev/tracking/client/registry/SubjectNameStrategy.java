package dev.tracking.client.registry;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * How the subject a schema is registered under is named, as Confluent's serializers do ({@code
 * value.subject.name.strategy}). Subjects are what a registry versions and checks for compatibility.
 *
 * <p>Our topics carry several fact types each (a family per topic). Under {@link #TOPIC} every type of a family shares
 * one subject, so the subject's versions alternate between record types and any compatibility level but {@code NONE}
 * refuses the second type. {@link #TOPIC_RECORD} (the default) and {@link #RECORD} give each fact type its own
 * subject, so a registry's default compatibility ({@code BACKWARD} on Confluent) guards each type's evolution.
 * {@link #TOPIC_RECORD} keeps the topic in the name, so the subjects of one topic sort together and two topics carrying
 * the same record (a staging copy) evolve separately. Readers do not care: a record carries its schema id.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-value}: Confluent's default; one subject for every type of the topic. */
    TOPIC("io.confluent.kafka.serializers.subject.TopicNameStrategy"),
    /** {@code <fully.qualified.RecordName>}: one subject per record type, shared by every topic that carries it. */
    RECORD("io.confluent.kafka.serializers.subject.RecordNameStrategy"),
    /** {@code <topic>-<fully.qualified.RecordName>}: one subject per record type and topic. The default. */
    TOPIC_RECORD("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");

    /** The strategy used when none is configured. */
    public static final SubjectNameStrategy DEFAULT = TOPIC_RECORD;

    private final String confluentClass;

    SubjectNameStrategy(String confluentClass) {
        this.confluentClass = confluentClass;
    }

    /** The subject of a record value with this schema written to {@code topic}. */
    public String subject(String topic, Schema schema) {
        return switch (this) {
            case TOPIC -> topic + "-value";
            case RECORD -> schema.getFullName();
            case TOPIC_RECORD -> topic + "-" + schema.getFullName();
        };
    }

    /** Whether one subject holds several record types (then its compatibility level must be {@code NONE}). */
    public boolean sharesSubjectAcrossTypes() {
        return this == TOPIC;
    }

    /** The name of the matching strategy class of Confluent's serializers. */
    public String confluentClass() {
        return confluentClass;
    }

    /**
     * Parses {@code topic}, {@code record}, {@code topic-record} (any case, {@code _} for {@code -}), Confluent's class
     * names ({@code io.confluent...TopicRecordNameStrategy}) or their simple names ({@code RecordNameStrategy}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static SubjectNameStrategy parse(String value) {
        String v = value == null ? "" : value.strip();
        for (SubjectNameStrategy strategy : values()) {
            String simple = strategy.confluentClass.substring(strategy.confluentClass.lastIndexOf('.') + 1);
            if (v.equalsIgnoreCase(strategy.name())
                    || v.equalsIgnoreCase(strategy.name().replace('_', '-'))
                    || v.equals(strategy.confluentClass)
                    || v.equalsIgnoreCase(simple)) {
                return strategy;
            }
        }
        throw new IllegalArgumentException("unknown subject name strategy '" + value
                + "': expected topic, record or topic-record (or TopicNameStrategy, RecordNameStrategy,"
                + " TopicRecordNameStrategy)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
