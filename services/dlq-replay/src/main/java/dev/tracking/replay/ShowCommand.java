package dev.tracking.replay;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code show}: the matching dead letters, readable. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Prints the dead letters matching the filters as JSON, one object each: where each came from and "
                + "why it failed, its key, every header, and its fact decoded (the raw value as base64 when it "
                + "cannot be).")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    ReplayCli root;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    FilterOptions filterOptions;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "20",
            description = "print at most N records (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw ReplayException.usage("--limit '" + limit + "' is not valid: expected a whole number of 1 or more");
        }
        Filters filters = filterOptions.filters(root.catalogue(), root.clock());
        try (KafkaAccess kafka = root.connect(connection)) {
            List<DeadLetterScan.Matched> matched = new DeadLetterScan(kafka, root.decoder())
                    .read(filters, !filterOptions.topics.isEmpty(), root.err());
            matched.stream()
                    .limit(limit)
                    .forEach(item ->
                            root.out().println(FactRendering.render(item).toPrettyString()));
            root.err()
                    .println(Math.min(limit, matched.size()) + " of " + matched.size() + " matching dead letters shown"
                            + (matched.size() > limit ? " (--limit " + limit + ")" : ""));
        }
        return ReplayCli.OK;
    }
}
