package dev.tracking.replay;

import dev.tracking.schemas.Facts;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code replay}: re-publishes the matching dead letters to their original topics ({@link ReplayPlan}). Without {@code
 * --execute} it prints exactly what would be sent and sends nothing. With it: an audit record ({@code started}), then
 * the records, in chunks: each chunk's records are acknowledged by Kafka before the audit topic remembers them as
 * replayed, so a run interrupted at any point can be run again to finish: at worst the last chunk is sent twice, and
 * the consumer drops those repeats (same {@code event_id}, same bytes). Then the audit record again ({@code finished}
 * or {@code interrupted}).
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Re-publishes the dead letters matching the filters to their original topic and partition with "
                + "their original key, value and headers byte for byte, plus tracking_replay-id, -count and -of "
                + "headers. Without --execute: a dry run that prints what would be sent. Dead letters already "
                + "replayed (the audit topic remembers them) are skipped; a record dead-lettered twice is replayed "
                + "once; one replayed --max-replays times already is refused (exit 1).")
final class ReplayCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    ReplayCli root;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    FilterOptions filterOptions;

    @Option(names = "--execute", description = "send; without it nothing is sent (dry run)")
    boolean execute;

    @Option(
            names = "--rate",
            paramLabel = "RECORDS_PER_SECOND",
            description = "send at most this many records a second (default: as fast as Kafka takes them)")
    Integer rate;

    @Option(
            names = "--max-replays",
            paramLabel = "N",
            defaultValue = "3",
            description = "refuse a record whose fact was replayed N times already (default: ${DEFAULT-VALUE})")
    int maxReplays;

    @Option(
            names = "--operator",
            paramLabel = "NAME",
            description = "who runs the replay, for the audit record (default: USER)")
    String operator;

    @Override
    public Integer call() throws InterruptedException {
        if (rate != null && rate < 1) {
            throw ReplayException.usage(
                    "--rate '" + rate + "' is not valid: expected a whole number of records a" + " second, 1 or more");
        }
        if (maxReplays < 1) {
            throw ReplayException.usage("--max-replays '" + maxReplays + "' is not valid: expected 1 or more");
        }
        Filters filters = filterOptions.filters(root.catalogue(), root.clock());
        PrintStream out = root.out();
        try (KafkaAccess kafka = root.connect(connection)) {
            List<DeadLetterScan.Matched> matched = new DeadLetterScan(kafka, root.decoder())
                    .read(filters, !filterOptions.topics.isEmpty(), root.err());
            String auditTopic = root.auditTopic(connection);
            AuditLog audit = AuditLog.read(kafka, auditTopic);
            ReplayPlan plan = ReplayPlan.of(matched, audit, maxReplays);
            if (!execute) {
                printDryRun(plan, matched.size(), filters, auditTopic);
            } else {
                executeReplay(kafka, plan, matched.size(), filters, auditTopic);
            }
            printSkipped(plan, audit);
            return plan.refused().isEmpty() ? ReplayCli.OK : ReplayCli.REFUSED;
        }
    }

    private void printDryRun(ReplayPlan plan, int matched, Filters filters, String auditTopic) {
        PrintStream out = root.out();
        out.println("dry run: nothing is sent (add --execute to replay). " + matched + " dead letters match (filters: "
                + filters.describe() + ")");
        out.println("would replay " + plan.toReplay().size() + " records, each with its original key, value and"
                + " headers, plus " + ReplayHeaders.ID + ", " + ReplayHeaders.COUNT + " and " + ReplayHeaders.OF + ":");
        for (DeadLetterScan.Matched item : plan.toReplay()) {
            DeadLetter letter = item.letter();
            out.printf(
                    "  %s -> %s-%d  key %s  %s  event_id %s  %d bytes  %s  replay %d of at most %d%n",
                    letter.coordinates(),
                    letter.sourceTopic(),
                    letter.sourcePartition(),
                    letter.keyText() == null ? "(binary)" : letter.keyText(),
                    item.type() == null ? "(undecodable)" : item.type(),
                    item.fact() == null ? "-" : Facts.eventId(item.fact()),
                    letter.value() == null ? 0 : letter.value().length,
                    letter.category(),
                    letter.replayCount() + 1,
                    plan.maxReplays());
        }
    }

    private void printSkipped(ReplayPlan plan, AuditLog audit) {
        PrintStream out = root.out();
        if (!plan.alreadyReplayed().isEmpty()) {
            out.println("already replayed (skipped): " + plan.alreadyReplayed().size() + ", as " + audit.topic()
                    + " remembers:");
            for (DeadLetterScan.Matched item : plan.alreadyReplayed()) {
                AuditLog.Replayed replayed = audit.replayOf(item.letter().identity());
                out.println("  " + item.letter().coordinates() + "  by replay " + replayed.replayId() + " at "
                        + replayed.at());
            }
        }
        if (!plan.duplicates().isEmpty()) {
            out.println("dead-lettered more than once (replayed once): "
                    + plan.duplicates().size());
            for (DeadLetterScan.Matched item : plan.duplicates()) {
                out.println("  " + item.letter().coordinates() + " is another dead letter of "
                        + item.letter().identity());
            }
        }
        if (!plan.refused().isEmpty()) {
            out.println("refused: " + plan.refused().size());
            for (DeadLetterScan.Matched item : plan.refused()) {
                out.println("  " + item.letter().coordinates() + ": " + plan.refusal(item.letter()));
            }
        }
    }

    private void executeReplay(KafkaAccess kafka, ReplayPlan plan, int matched, Filters filters, String auditTopic)
            throws InterruptedException {
        PrintStream out = root.out();
        String replayId = UUID.randomUUID().toString();
        String who = root.operator(operator);
        Instant started = root.clock().instant().truncatedTo(ChronoUnit.MILLIS);
        if (kafka.createCompactedTopic(auditTopic)) {
            root.err().println("created audit topic " + auditTopic);
        }
        int sent = 0;
        String state = "interrupted";
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            await(
                    AuditLog.write(
                            producer,
                            auditTopic,
                            run(replayId, who, started, null, "started", filters, plan, matched, 0)),
                    kafka,
                    "the audit record");
            out.println(
                    "replay " + replayId + " by " + who + ": " + plan.toReplay().size() + " records to send");
            ProgressReport progress =
                    new ProgressReport(out, root.terminal(), plan.toReplay().size(), System::nanoTime);
            sent = send(producer, kafka, plan.toReplay(), replayId, auditTopic, progress);
            if (!plan.toReplay().isEmpty()) {
                progress.finish(sent);
            }
            state = sent == plan.toReplay().size() ? "finished" : "interrupted";
            await(
                    AuditLog.write(
                            producer,
                            auditTopic,
                            run(
                                    replayId,
                                    who,
                                    started,
                                    root.clock().instant().truncatedTo(ChronoUnit.MILLIS),
                                    state,
                                    filters,
                                    plan,
                                    matched,
                                    sent)),
                    kafka,
                    "the audit record");
        }
        Map<String, Integer> perTopic = new TreeMap<>();
        plan.toReplay()
                .subList(0, sent)
                .forEach(item -> perTopic.merge(item.letter().sourceTopic(), 1, Integer::sum));
        out.println((state.equals("finished") ? "replayed " : "interrupted after ") + sent + " of "
                + plan.toReplay().size() + " records (replay id " + replayId + "; audited in " + auditTopic + ")");
        perTopic.forEach((topic, count) -> out.printf("  %-24s %d%n", topic, count));
        if (!state.equals("finished")) {
            out.println("run the same command again to finish: what was replayed is skipped");
        }
    }

    /**
     * Sends the records in chunks (about a second's worth at {@code --rate}, else 500); after each chunk, once Kafka
     * has acknowledged its records, the audit topic remembers them. Stops between records when asked to.
     *
     * @return how many records were sent and remembered
     */
    private int send(
            KafkaProducer<byte[], byte[]> producer,
            KafkaAccess kafka,
            List<DeadLetterScan.Matched> records,
            String replayId,
            String auditTopic,
            ProgressReport progress)
            throws InterruptedException {
        int chunkSize = rate == null ? 500 : Math.max(1, Math.min(500, rate));
        long start = System.nanoTime();
        int done = 0;
        List<DeadLetter> chunk = new ArrayList<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < records.size() && !root.stopRequested(); i++) {
            if (rate != null) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            DeadLetter letter = records.get(i).letter();
            ProducerRecord<byte[], byte[]> record = ReplayPlan.record(letter, replayId);
            acks.add(producer.send(record));
            chunk.add(letter);
            if (chunk.size() >= chunkSize || i == records.size() - 1) {
                done += settle(producer, kafka, chunk, acks, replayId, auditTopic);
                progress.update(done);
            }
        }
        if (!chunk.isEmpty()) {
            done += settle(producer, kafka, chunk, acks, replayId, auditTopic);
        }
        return done;
    }

    /** Waits for the chunk's acknowledgements, then remembers its records as replayed; empties both lists. */
    private int settle(
            KafkaProducer<byte[], byte[]> producer,
            KafkaAccess kafka,
            List<DeadLetter> chunk,
            List<Future<RecordMetadata>> acks,
            String replayId,
            String auditTopic)
            throws InterruptedException {
        for (Future<RecordMetadata> ack : acks) {
            await(ack, kafka, "a replayed record");
        }
        String at = root.clock().instant().truncatedTo(ChronoUnit.MILLIS).toString();
        List<Future<RecordMetadata>> remembered = new ArrayList<>();
        for (DeadLetter letter : chunk) {
            remembered.add(AuditLog.writeReplayed(producer, auditTopic, letter, replayId, at));
        }
        for (Future<RecordMetadata> ack : remembered) {
            await(ack, kafka, "the record of a replay");
        }
        int size = chunk.size();
        chunk.clear();
        acks.clear();
        return size;
    }

    private static void await(Future<RecordMetadata> ack, KafkaAccess kafka, String what) throws InterruptedException {
        try {
            ack.get(kafka.timeout().toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw ReplayException.unavailable("Kafka at " + kafka.bootstrapServers() + " did not acknowledge " + what
                    + ": " + cause + "; run the same command again to finish (what was replayed is skipped)");
        }
    }

    private AuditLog.Run run(
            String replayId,
            String who,
            Instant started,
            Instant finished,
            String state,
            Filters filters,
            ReplayPlan plan,
            int matched,
            int sent) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("matched", matched);
        counts.put("to_replay", plan.toReplay().size());
        counts.put("replayed", sent);
        counts.put("already_replayed", plan.alreadyReplayed().size());
        counts.put("dead_lettered_twice", plan.duplicates().size());
        counts.put("refused", plan.refused().size());
        return new AuditLog.Run(
                replayId,
                who,
                started.toString(),
                finished == null ? null : finished.toString(),
                state,
                filters.describe(),
                maxReplays,
                rate,
                counts);
    }
}
