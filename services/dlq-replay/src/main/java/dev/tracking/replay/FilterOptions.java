package dev.tracking.replay;

import dev.tracking.schemas.FactFamily;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The filter options every command takes; {@link #filters} validates them into {@link Filters}. */
final class FilterOptions {
    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            description = "a fact topic or its dead-letter topic (facts.engagement or facts.engagement-dlt);"
                    + " repeatable; default: all five")
    List<String> topics = new ArrayList<>();

    @Option(
            names = "--category",
            paramLabel = "CATEGORY",
            description =
                    "failure category: decode, validation, mapping, rejected-by-posthog or oversize;" + " repeatable")
    List<String> categories = new ArrayList<>();

    @Option(
            names = "--exception",
            paramLabel = "CLASS",
            description = "exception class, simple or fully qualified, of the failure or its cause"
                    + " (UndecodableFactException); repeatable")
    List<String> exceptions = new ArrayList<>();

    @Option(
            names = "--type",
            paramLabel = "FACT_TYPE",
            description = "fact type, its record name (SubscriptionStarted); repeatable")
    List<String> types = new ArrayList<>();

    @Option(names = "--key", paramLabel = "KEY", description = "record key (a team id); repeatable")
    List<String> keys = new ArrayList<>();

    @Option(
            names = "--since",
            paramLabel = "TIME",
            description = "failed at or after: 2026-11-27T09:30:00Z, 2026-11-27 (UTC) or an age (90m, 2h, 7d)")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "failed before; same forms as --since")
    String until;

    @Option(
            names = "--offsets",
            paramLabel = "P:FROM-TO",
            description = "dead-letter partition and offsets, both ends included (1:120-180, or 1:120); repeatable")
    List<String> offsets = new ArrayList<>();

    /**
     * @throws ReplayException (usage) naming the first value that is not valid and what would be
     */
    Filters filters(TopicCatalogue catalogue, Clock clock) {
        for (String category : categories) {
            if (!DeadLetter.CATEGORIES.contains(category)) {
                throw ReplayException.usage("unknown category '" + category + "': expected one of "
                        + String.join(", ", DeadLetter.CATEGORIES));
            }
        }
        for (String type : types) {
            if (FactFamily.typeNamed(type).isEmpty()) {
                throw ReplayException.usage("unknown fact type '" + type + "': expected one of "
                        + String.join(", ", FactFamily.typeNames()));
            }
        }
        List<OffsetRange> ranges = offsets.stream().map(OffsetRange::parse).toList();
        Instant sinceTime = since == null ? null : TimeBound.parse("--since", since, clock);
        Instant untilTime = until == null ? null : TimeBound.parse("--until", until, clock);
        if (sinceTime != null && untilTime != null && !sinceTime.isBefore(untilTime)) {
            throw ReplayException.usage(
                    "--since " + since + " is not before --until " + until + ": no failure can match; swap them?");
        }
        List<String> given = new ArrayList<>();
        given.addAll(Filters.options("--topic", topics));
        given.addAll(Filters.options("--category", categories));
        given.addAll(Filters.options("--exception", exceptions));
        given.addAll(Filters.options("--type", types));
        given.addAll(Filters.options("--key", keys));
        if (since != null) {
            given.add("--since " + sinceTime);
        }
        if (until != null) {
            given.add("--until " + untilTime);
        }
        given.addAll(Filters.options("--offsets", ranges));
        return new Filters(
                catalogue.select(topics),
                List.copyOf(categories),
                List.copyOf(exceptions),
                List.copyOf(types),
                List.copyOf(keys),
                sinceTime,
                untilTime,
                ranges,
                List.copyOf(given));
    }
}
