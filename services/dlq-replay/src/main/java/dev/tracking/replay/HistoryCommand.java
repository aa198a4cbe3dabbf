package dev.tracking.replay;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code history}: the executed replays, from the audit topic. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = "Lists executed replays from the audit topic, oldest first: when, replay id, operator, state "
                + "(started: it did not finish), counts and filters.")
final class HistoryCommand implements Callable<Integer> {
    @ParentCommand
    ReplayCli root;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "one JSON object a line")
    boolean json;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "50",
            description = "the N most recent (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw ReplayException.usage("--limit '" + limit + "' is not valid: expected a whole number of 1 or more");
        }
        try (KafkaAccess kafka = root.connect(connection)) {
            String topic = root.auditTopic(connection);
            AuditLog audit = AuditLog.read(kafka, topic);
            List<AuditLog.Run> runs = audit.runs();
            List<AuditLog.Run> shown = runs.subList(Math.max(0, runs.size() - limit), runs.size());
            if (json) {
                shown.forEach(run -> root.out().println(run.json().toString()));
                return ReplayCli.OK;
            }
            if (runs.isEmpty()) {
                root.out().println("no replay has been executed (audit topic " + topic + " holds none)");
                return ReplayCli.OK;
            }
            root.out()
                    .printf("%-24s  %-36s  %-12s  %-11s  %s%n", "started", "replay id", "operator", "state", "counts");
            for (AuditLog.Run run : shown) {
                StringBuilder counts = new StringBuilder();
                run.counts()
                        .forEach((name, n) -> counts.append(counts.length() == 0 ? "" : ", ")
                                .append(name.replace('_', ' '))
                                .append(' ')
                                .append(n));
                root.out()
                        .printf(
                                "%-24s  %-36s  %-12s  %-11s  %s%n",
                                run.startedAt(), run.replayId(), run.operator(), run.state(), counts);
                root.out().printf("%-24s  filters: %s%n", "", run.filters());
            }
        }
        return ReplayCli.OK;
    }
}
