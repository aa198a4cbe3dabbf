package dev.tracking.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The tracking consumer's side of a simulation, read from its own {@code /actuator/tracking} and printed as one line:
 * {@code consumer: consumed 2,010 · delivered 2,004 facts / 2,310 events · duplicates 0 · dead-lettered 6 · lag 12}
 * (suppressed, dropped and in-flight facts are added when there are any).
 */
final class ConsumerStatus {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final URI url;
    private final HttpClient http;

    ConsumerStatus(URI url) {
        this.url = url;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The line, once the consumer answered; never completes exceptionally (an error is the line). */
    CompletableFuture<String> line() {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> response.statusCode() == 200
                        ? format(response.body())
                        : "consumer: " + url + " answered " + response.statusCode())
                .exceptionally(error -> "consumer: no answer from " + url + " ("
                        + (error.getCause() == null ? error : error.getCause()) + ")");
    }

    /** The line of one {@code /actuator/tracking} report. */
    static String format(String report) {
        JsonNode root;
        try {
            root = JSON.readTree(report);
        } catch (IOException e) {
            return "consumer: unreadable report (" + e.getMessage() + ")";
        }
        JsonNode total = root.path("total");
        StringBuilder line = new StringBuilder("consumer: consumed ")
                .append(number(total, "consumed"))
                .append(" · delivered ")
                .append(number(total, "delivered"))
                .append(" facts / ")
                .append(number(root, "eventsDelivered"))
                .append(" events · duplicates ")
                .append(number(total, "duplicates"));
        for (String optional : new String[] {"suppressed", "dropped"}) {
            if (total.path(optional).asLong() > 0) {
                line.append(" · ").append(optional).append(' ').append(number(total, optional));
            }
        }
        line.append(" · dead-lettered ").append(number(total, "deadLettered"));
        if (total.path("inFlight").asLong() > 0) {
            line.append(" · in flight ").append(number(total, "inFlight"));
        }
        if (total.path("difference").asLong() != 0) {
            line.append(" · UNACCOUNTED ").append(number(total, "difference"));
        }
        return line.append(" · lag ").append(number(root, "lag")).toString();
    }

    private static String number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? String.format(Locale.US, "%,d", value.asLong()) : "?";
    }
}
