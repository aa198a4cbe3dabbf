package dev.tracking.consumer.delivery;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * A {@link PostHogTransport} that measures every request it passes on: {@code tracking.request.duration{status}} (a
 * histogram of the time to PostHog's answer), {@code tracking.request.events} (events per request, a histogram), and
 * {@code tracking.delivery.retries{cause}}: requests that failed in a way that is retried (in place, or after the
 * partition's pause), by cause: {@code rate-limited} (429), {@code server-error} (5xx, 408), {@code timeout}, {@code
 * connection}, and {@code circuit-open} (not sent: the circuit breaker refused the call).
 */
public final class MeteredTransport implements PostHogTransport {
    private final PostHogTransport transport;
    private final MeterRegistry registry;
    private final DistributionSummary events;
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();

    /** @param breaker its refused calls are counted as retries caused by {@code circuit-open} */
    public MeteredTransport(PostHogTransport transport, MeterRegistry registry, CircuitBreaker breaker) {
        this.transport = transport;
        this.registry = registry;
        this.events = DistributionSummary.builder("tracking.request.events")
                .description("events per request to PostHog")
                .publishPercentileHistogram()
                .register(registry);
        for (String cause : new String[] {"rate-limited", "server-error", "timeout", "connection", "circuit-open"}) {
            retry(cause);
        }
        breaker.getEventPublisher()
                .onCallNotPermitted(event -> retry("circuit-open").increment());
    }

    @Override
    public CompletableFuture<Response> send(BatchBody body) {
        long started = System.nanoTime();
        events.record(body.events().size());
        return transport.send(body).whenComplete((response, error) -> {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (response != null) {
                duration(Integer.toString(response.status())).record(took);
                if (FailureClassifier.classify(response.status()) == Verdict.RETRY) {
                    retry(response.status() == 429 ? "rate-limited" : "server-error")
                            .increment();
                }
            } else {
                duration("none").record(took);
                String cause = cause(error);
                if (cause != null) {
                    retry(cause).increment();
                }
            }
        });
    }

    /** {@code timeout} or {@code connection} for network errors (retried), null for anything else. */
    static String cause(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (FailureClassifier.classify(cause) != Verdict.RETRY) {
            return null;
        }
        for (Throwable link = cause; link != null; link = link.getCause()) {
            if (link instanceof HttpTimeoutException || link instanceof TimeoutException) {
                return "timeout";
            }
        }
        return "connection"; // refused, reset, TLS: every other network error
    }

    @Override
    public String destination() {
        return transport.destination();
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }

    private Timer duration(String status) {
        return durations.computeIfAbsent(
                status,
                s -> Timer.builder("tracking.request.duration")
                        .tag("status", s)
                        .description("time from sending a request to PostHog to its answer ('none': no answer)")
                        .publishPercentileHistogram()
                        .register(registry));
    }

    private Counter retry(String cause) {
        return retries.computeIfAbsent(
                cause,
                c -> Counter.builder("tracking.delivery.retries")
                        .tag("cause", c)
                        .description("requests to PostHog that failed in a way that is retried, by cause")
                        .register(registry));
    }
}
