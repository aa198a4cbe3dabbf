package dev.tracking.replay;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code summary}: what is in the dead-letter topics, counted. */
@Command(
        name = "summary",
        mixinStandardHelpOptions = true,
        description = "Counts dead-lettered records by source topic, failure category, exception class, fact type and "
                + "PostHog status, with the first and last failure time, and how many were already replayed and "
                + "how often.")
final class SummaryCommand implements Callable<Integer> {
    @ParentCommand
    ReplayCli root;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    FilterOptions filterOptions;

    @Option(names = "--json", description = "one JSON object instead of a table")
    boolean json;

    @Override
    public Integer call() {
        Filters filters = filterOptions.filters(root.catalogue(), root.clock());
        try (KafkaAccess kafka = root.connect(connection)) {
            List<DeadLetterScan.Matched> matched = new DeadLetterScan(kafka, root.decoder())
                    .read(filters, !filterOptions.topics.isEmpty(), root.err());
            String auditTopic = root.auditTopic(connection);
            Summary summary = Summary.of(matched, AuditLog.read(kafka, auditTopic));
            if (json) {
                root.out().println(summary.json(filters.describe()).toPrettyString());
            } else {
                String scope = String.join(
                        ", ",
                        filters.sourceTopics().stream()
                                .map(TopicCatalogue::deadLetterTopicOf)
                                .toList());
                summary.print(root.out(), scope, filters.describe(), auditTopic);
            }
        }
        return ReplayCli.OK;
    }
}
