package dev.tracking.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.testkit.fixtures.FactFixtures;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MeteredTransportTest {
    private static final BatchBody ONE_VIEW =
            BatchBody.of("phc_test", false, FactMapping.standard().map(FactFixtures.analyticsViewed()), 0);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            nullValues = "none",
            value = {
                "429, rate-limited",
                "503, server-error",
                "500, server-error",
                "408, server-error",
                "200, none",
                "400, none",
                "401, none"
            })
    void anAnswerIsTimedByStatusAndARetryableOneCountedByItsCause(int status, String cause) {
        MeteredTransport transport = new MeteredTransport(
                new Answering(new PostHogTransport.Response(status, null, "")),
                meters,
                CircuitBreaker.ofDefaults("test"));

        transport.send(ONE_VIEW).join();

        assertThat(meters.get("tracking.request.duration")
                        .tag("status", Integer.toString(status))
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("tracking.request.events").summary().totalAmount())
                .isEqualTo(1);
        double retries = meters.get("tracking.delivery.retries").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        if (cause == null) {
            assertThat(retries).as("not a retryable answer").isZero();
        } else {
            assertThat(meters.get("tracking.delivery.retries")
                            .tag("cause", cause)
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(retries).isEqualTo(1);
        }
    }

    @org.junit.jupiter.api.Test
    void aCallTheOpenBreakerRefusedIsCountedAsCircuitOpen() {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("test");
        new MeteredTransport(new Answering(null), meters, breaker);
        breaker.transitionToOpenState();

        assertThat(breaker.tryAcquirePermission()).isFalse();

        assertThat(meters.get("tracking.delivery.retries")
                        .tag("cause", "circuit-open")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    /** Answers every request with one response. */
    private record Answering(PostHogTransport.Response response) implements PostHogTransport {
        @Override
        public CompletableFuture<Response> send(BatchBody body) {
            return CompletableFuture.completedFuture(response);
        }

        @Override
        public String destination() {
            return "answering";
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            nullValues = "none",
            value = {
                "timeout, timeout",
                "refused, connection",
                "wrapped-timeout, timeout",
                "bug, none",
            })
    void aRequestWithoutAnswerIsCountedByItsCause(String error, String cause) {
        Throwable thrown = switch (error) {
            case "timeout" -> new HttpTimeoutException("request timed out");
            case "refused" -> new ConnectException("Connection refused");
            case "wrapped-timeout" -> new CompletionException(new IOException(new HttpTimeoutException("t")));
            default -> new IllegalStateException("a bug, not retried");
        };

        assertThat(MeteredTransport.cause(thrown)).isEqualTo(cause);
    }
}
