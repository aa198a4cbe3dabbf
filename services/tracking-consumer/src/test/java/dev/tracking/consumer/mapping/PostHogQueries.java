package dev.tracking.consumer.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.posthogproject.declaration.ProjectDeclaration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What PostHog would answer for the funnels and cohorts of {@code posthog/project.yaml}, computed over the events the
 * consumer delivered; only persons count (events sent with {@code $process_person_profile: false} have none), as in
 * PostHog's person funnels and cohorts.
 *
 * <ul>
 *   <li>A funnel is ordered: a person reaches step {@code n} when, after an event of step 1, they did step 2, then step
 *       3 and so on up to {@code n}, each at or after the one before and all within the conversion window from step 1
 *       (the declaration's, or PostHog's default of 14 days). A step's {@code where} matches event properties exactly.
 *   <li>A cohort holds the persons who did any of its behaviours at least {@code at_least} times in the {@code
 *       within_days} before a given time.
 * </ul>
 */
final class PostHogQueries {
    private static final int DEFAULT_CONVERSION_WINDOW_DAYS = 14;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event as PostHog stores it: its top-level properties as text. */
    record Delivered(String event, String distinctId, Instant timestamp, Map<String, String> properties) {

        /** The event the consumer sends, or null when it has no person (personless events). */
        static Delivered ofPerson(PostHogEvent sent) {
            JsonNode json;
            try {
                json = JSON.readTree(sent.json());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            JsonNode properties = json.path("properties");
            if (!properties.path("$process_person_profile").asBoolean(true)) {
                return null;
            }
            Map<String, String> values = new LinkedHashMap<>();
            properties.fields().forEachRemaining(field -> {
                if (field.getValue().isValueNode()) {
                    values.put(field.getKey(), field.getValue().asText());
                }
            });
            return new Delivered(
                    json.path("event").asText(),
                    json.path("distinct_id").asText(),
                    Instant.parse(json.path("timestamp").asText()),
                    values);
        }

        boolean is(ProjectDeclaration.Step step) {
            return event.equals(step.event())
                    && step.where().entrySet().stream()
                            .allMatch(filter -> filter.getValue().equals(properties.get(filter.getKey())));
        }
    }

    private final Map<String, List<Delivered>> byPerson = new LinkedHashMap<>();

    /** @param events in the order they were delivered */
    PostHogQueries(List<Delivered> events) {
        for (Delivered event : events) {
            byPerson.computeIfAbsent(event.distinctId(), person -> new ArrayList<>())
                    .add(event);
        }
        // PostHog orders a person's events by timestamp; ties keep the delivery order
        byPerson.values().forEach(list -> list.sort(Comparator.comparing(Delivered::timestamp)));
    }

    /** Every person with at least one event. */
    Set<String> persons() {
        return new TreeSet<>(byPerson.keySet());
    }

    /** How many persons reached each step of {@code funnel}, from the first. */
    List<Long> funnel(ProjectDeclaration.Funnel funnel) {
        if (funnel.order() != null && !funnel.order().equals("ordered")) {
            throw new UnsupportedOperationException("only ordered funnels are evaluated, not " + funnel.order());
        }
        Duration window = Duration.ofDays(
                funnel.conversionWindowDays() == null ? DEFAULT_CONVERSION_WINDOW_DAYS : funnel.conversionWindowDays());
        long[] reached = new long[funnel.steps().size()];
        for (List<Delivered> events : byPerson.values()) {
            int furthest = furthestStep(events, funnel.steps(), window);
            for (int step = 0; step < furthest; step++) {
                reached[step]++;
            }
        }
        return Arrays.stream(reached).boxed().toList();
    }

    /** The number of steps a person went through, counting from any event of the first step (the best one wins). */
    private static int furthestStep(List<Delivered> events, List<ProjectDeclaration.Step> steps, Duration window) {
        int furthest = 0;
        for (int start = 0; start < events.size() && furthest < steps.size(); start++) {
            if (!events.get(start).is(steps.get(0))) {
                continue;
            }
            Instant deadline = events.get(start).timestamp().plus(window);
            int done = 1;
            for (int i = start + 1; i < events.size() && done < steps.size(); i++) {
                Delivered event = events.get(i);
                if (event.timestamp().isAfter(deadline)) {
                    break;
                }
                if (event.is(steps.get(done))) {
                    done++; // the earliest match of each step leaves the most room for the next
                }
            }
            furthest = Math.max(furthest, done);
        }
        return furthest;
    }

    /** The persons in {@code cohort} at {@code now}. */
    Set<String> cohort(ProjectDeclaration.Cohort cohort, Instant now) {
        Set<String> members = new TreeSet<>();
        byPerson.forEach((person, events) -> {
            for (ProjectDeclaration.Behaviour behaviour : cohort.anyOf()) {
                Instant since = now.minus(Duration.ofDays(behaviour.withinDays()));
                long times = events.stream()
                        .filter(event -> event.event().equals(behaviour.event()))
                        .filter(event -> event.timestamp().isAfter(since)
                                && !event.timestamp().isAfter(now))
                        .count();
                if (times >= (behaviour.atLeast() == null ? 1 : behaviour.atLeast())) {
                    members.add(person);
                    return;
                }
            }
        });
        return members;
    }
}
