package dev.tracking.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ConsumerStatusTest {
    /** A shortened answer of the consumer's /actuator/tracking. */
    private static final String REPORT = """
            {"since": "2026-03-02T09:00:00Z", "eventsDelivered": 2310, "lag": 12,
             "total": {"consumed": 2010, "delivered": 2004, "duplicates": 0, "suppressed": 0, "dropped": 0,
                       "deadLettered": 6, "inFlight": 0, "difference": 0},
             "facts": {}, "events": {"thisMonth": 2310}}
            """;

    @Test
    void theConsumersLineIsReadFromItsOwnEndpoint() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/actuator/tracking", exchange -> {
            byte[] body = REPORT.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/actuator/tracking");

            assertThat(new ConsumerStatus(url).line().get(10, TimeUnit.SECONDS))
                    .isEqualTo("consumer: consumed 2,010 · delivered 2,004 facts / 2,310 events · duplicates 0 ·"
                            + " dead-lettered 6 · lag 12");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void factsStillInFlightSuppressedDroppedOrUnaccountedForAreShownWhenThereAreAny() {
        String report = REPORT.replace("\"suppressed\": 0", "\"suppressed\": 40")
                .replace("\"dropped\": 0", "\"dropped\": 3")
                .replace("\"inFlight\": 0", "\"inFlight\": 200")
                .replace("\"difference\": 0", "\"difference\": -1");

        assertThat(ConsumerStatus.format(report))
                .isEqualTo("consumer: consumed 2,010 · delivered 2,004 facts / 2,310 events · duplicates 0 ·"
                        + " suppressed 40 · dropped 3 · dead-lettered 6 · in flight 200 · UNACCOUNTED -1 · lag 12");
    }

    @Test
    void aConsumerThatDoesNotAnswerIsSaidSo() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int port = server.getAddress().getPort();
        server.stop(0); // nothing listens there any more

        assertThat(new ConsumerStatus(URI.create("http://127.0.0.1:" + port + "/actuator/tracking"))
                        .line()
                        .get(10, TimeUnit.SECONDS))
                .startsWith("consumer: no answer from http://127.0.0.1:" + port + "/actuator/tracking (");
    }
}
