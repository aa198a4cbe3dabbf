package dev.tracking.replay;

import dev.tracking.client.serde.FactDecoder;
import dev.tracking.schemas.Facts;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads the dead-letter topics a command covers and keeps the records its filters match, in topic and offset order. */
final class DeadLetterScan {
    private final KafkaAccess kafka;
    private final FactDecoder decoder;

    DeadLetterScan(KafkaAccess kafka, FactDecoder decoder) {
        this.kafka = kafka;
        this.decoder = decoder;
    }

    /** A dead letter and its fact, when its value can be decoded. */
    record Matched(DeadLetter letter, SpecificRecord fact, String decodeError) {
        /** The fact type: the consumer's header, else the decoded record's name; null if neither. */
        String type() {
            if (letter.factType() != null) {
                return letter.factType();
            }
            return fact == null ? null : Facts.typeName(fact);
        }
    }

    /**
     * @param explicitTopics whether the topics were named with {@code --topic}: then a missing dead-letter topic is an
     *     error (exit 3); otherwise missing ones are skipped with a note on {@code err}, unless all are missing
     */
    List<Matched> read(Filters filters, boolean explicitTopics, PrintStream err) {
        Set<String> existing = kafka.topics();
        List<String> wanted = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String source : filters.sourceTopics()) {
            String deadLetterTopic = TopicCatalogue.deadLetterTopicOf(source);
            (existing.contains(deadLetterTopic) ? wanted : missing).add(deadLetterTopic);
        }
        if (!missing.isEmpty() && (explicitTopics || wanted.isEmpty())) {
            Set<String> present = new TreeSet<>();
            existing.stream()
                    .filter(t -> t.endsWith(TopicCatalogue.DEAD_LETTER_SUFFIX))
                    .forEach(present::add);
            throw ReplayException.unavailable("dead-letter topic " + String.join(", ", missing)
                    + " does not exist on " + kafka.bootstrapServers() + "; dead-letter topics there: "
                    + (present.isEmpty() ? "none (has the consumer run against this broker?)" : present));
        }
        if (!missing.isEmpty()) {
            err.println("note: no dead-letter topic " + String.join(", ", missing) + " on " + kafka.bootstrapServers()
                    + " (nothing dead-lettered there yet)");
        }
        List<Matched> matched = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(wanted)) {
            DeadLetter letter = DeadLetter.of(record);
            Matched decoded = decode(letter);
            if (filters.matches(letter, decoded.type())) {
                matched.add(decoded);
            }
        }
        return matched;
    }

    private Matched decode(DeadLetter letter) {
        if (letter.value() == null) {
            return new Matched(letter, null, "no value");
        }
        try {
            String topic = letter.sourceTopic() != null ? letter.sourceTopic() : letter.topic();
            return new Matched(letter, decoder.decode(topic, letter.value()), null);
        } catch (RuntimeException e) {
            return new Matched(letter, null, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
