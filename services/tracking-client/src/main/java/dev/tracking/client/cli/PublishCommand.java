package dev.tracking.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.client.FactPublisher;
import dev.tracking.client.kafka.KafkaClientProperties;
import dev.tracking.schemas.FactValidator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * {@code publish <file>}: publishes a file of facts, one JSON object a line (see {@link FactJson}). Every line is
 * parsed and validated before anything is sent; on bad input each bad line is reported with its number and reason and
 * nothing is published (exit 2). On success it prints how many facts went to which topic (exit 0); if Kafka refuses a
 * send it reports it and exits 1. A line without {@code event_id} or {@code occurred_at} gets them from {@link
 * FactFileDefaults}, so running the same file again after a partial failure repeats the same facts.
 */
final class PublishCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CliEnvironment environment;
    private final KafkaClientProperties kafka;
    private final PrintStream out;
    private final PrintStream err;

    /** @param kafka the client settings of the environment and {@code --kafka-config}, already checked */
    PublishCommand(CliEnvironment environment, KafkaClientProperties kafka, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.kafka = kafka;
        this.out = out;
        this.err = err;
    }

    int run(Path file) {
        List<String> lines;
        FactFileDefaults defaults;
        try {
            defaults = FactFileDefaults.of(file);
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("cannot read fact file " + file + ": " + e.getMessage());
            return 2;
        }
        List<SpecificRecordBase> facts = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            List<String> problems = new ArrayList<>();
            try {
                JsonNode node = JSON.readTree(line);
                FactJson.Parsed parsed = FactJson.parse(node);
                problems.addAll(parsed.problems());
                if (parsed.fact() != null) {
                    defaults.fill(parsed.fact(), i + 1, lines.get(i));
                    problems.addAll(FactValidator.violations(parsed.fact()));
                    facts.add(parsed.fact());
                }
            } catch (JsonProcessingException e) {
                problems.add("not valid JSON: " + e.getOriginalMessage());
            }
            for (String problem : problems) {
                errors.add(file.getFileName() + ":" + (i + 1) + ": " + problem);
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(err::println);
            err.println("nothing published: " + errors.size() + " problem(s) in " + file);
            return 2;
        }
        if (facts.isEmpty()) {
            err.println("nothing published: " + file + " holds no facts");
            return 2;
        }
        return publish(facts);
    }

    /** Why no producer could be made (an unusable {@code KAFKA_BOOTSTRAP_SERVERS}, a bad setting), in one line. */
    static String cannotBuild(CliEnvironment environment, KafkaException e) {
        Throwable reason = e.getCause() != null ? e.getCause() : e;
        return "cannot create a Kafka producer for KAFKA_BOOTSTRAP_SERVERS=" + environment.bootstrapServers() + ": "
                + reason.getMessage();
    }

    private int publish(List<SpecificRecordBase> facts) {
        Map<String, Integer> perTopic = new TreeMap<>();
        int failed = 0;
        AuthenticationException refused = null;
        FactPublisher built;
        try {
            built = environment.publisher(kafka).build();
        } catch (KafkaException e) {
            err.println("nothing published: " + cannotBuild(environment, e));
            return 2;
        }
        try (FactPublisher publisher = built) {
            List<CompletableFuture<FactPublisher.Published>> sends = new ArrayList<>(facts.size());
            for (SpecificRecordBase fact : facts) {
                sends.add(publisher.publish(fact));
            }
            for (int i = 0; i < sends.size(); i++) {
                try {
                    perTopic.merge(sends.get(i).join().topic(), 1, Integer::sum);
                } catch (CompletionException e) {
                    failed++;
                    AuthenticationException authentication =
                            KafkaClientProperties.authenticationFailure(e).orElse(null);
                    if (authentication == null) {
                        err.println("fact " + (i + 1) + " ("
                                + facts.get(i).getSchema().getName() + ") not published: " + e.getCause());
                    } else if (refused == null) {
                        refused = authentication;
                    }
                }
            }
        }
        int published = perTopic.values().stream().mapToInt(Integer::intValue).sum();
        if (refused != null && published == 0) {
            // no fact can have landed: a configuration error, like a bad argument
            err.println("nothing published: " + kafka.authenticationRefused(environment.bootstrapServers(), refused));
            return 2;
        }
        if (refused != null) {
            err.println(kafka.authenticationRefused(environment.bootstrapServers(), refused));
        }
        out.println("published " + published + " fact(s) to " + environment.bootstrapServers());
        perTopic.forEach((topic, count) -> out.printf("  %-24s %d%n", topic, count));
        if (failed > 0) {
            err.println(failed + " fact(s) were not published");
            return 1;
        }
        return 0;
    }
}
