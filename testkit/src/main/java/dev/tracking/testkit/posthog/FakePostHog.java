package dev.tracking.testkit.posthog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tracking.testkit.posthog.BatchDecoder.Decoded;
import dev.tracking.testkit.posthog.BatchDecoder.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real HTTP server on 127.0.0.1 implementing PostHog's capture {@code /batch} contract, with scripted faults and
 * assertion helpers. Thread-safe; {@link #close()} stops it.
 *
 * <pre>{@code
 * try (FakePostHog posthog = FakePostHog.start("phc_test_key")) {
 *     posthog.faults().next(Fault.status(503), 2);
 *     client.send(posthog.baseUri(), events);            // the client POSTs to baseUri + "/batch/"
 *     assertThat(posthog.eventsNamed("signup_completed")).hasSize(1);
 *     assertThat(posthog.unexplainedDuplicates()).isEmpty();
 * }
 * }</pre>
 *
 * <p>The contract, as read in PostHog's capture service (rust/capture):
 *
 * <ul>
 *   <li>{@code POST /batch/} and {@code POST /batch}; other paths 404, other methods 405 (capture also serves GET and
 *       OPTIONS there, for browser SDKs; our clients never use them).
 *   <li>Body {@code {"api_key", "historical_migration"?, "sent_at"?, "batch": [...]}}, gzip when
 *       {@code Content-Encoding: gzip} or the body starts with gzip's magic bytes. Body limit ({@link Limits}) checked
 *       as received and after gunzip: 413. One event over {@link Limits#maxEventBytes()}: 413 for the request
 *       ("maximum event size exceeded"; capture's Kafka sink may already have taken the event's siblings).
 *   <li>Missing api_key: 401. Empty or any key but this server's: 401 as well. Capture only checks a key's shape
 *       synchronously (newer versions answer 403 for a key naming no project; older ones accept it and drop the
 *       events later); the fake answers 401 because a wrong key is the misconfiguration our consumer must detect and
 *       stop on, never dead-letter.
 *   <li>400, for the whole request, with nothing recorded: unparsable body or JSON, missing or non-array
 *       {@code batch}, empty batch ({@code empty_batch}), an event without a string {@code event}, with a blank name
 *       ({@code missing_event_name}) or without a distinct id ({@code missing_distinct_id}), a {@code uuid} that is not
 *       a UUID. Capture rejects only empty names and ids; the fake also rejects whitespace-only ones. An empty
 *       {@code uuid} counts as absent, as in capture.
 *   <li>Error bodies are capture's: {@code text/plain}, the error's message alone ({@code event submitted without a
 *       distinct_id}), as capture's {@code CaptureError} renders itself ({@code (StatusCode, self.to_string())}); the
 *       machine-readable code is kept on the {@link CapturedRequest} for assertions.
 *   <li>200 with {@code {"status":"Ok"}} (capture's {@code CaptureResponse}) when accepted; all events are recorded.
 * </ul>
 *
 * <p>TCP_NODELAY is on ({@code sun.net.httpserver.nodelay}, set before the first server is created in this JVM; the
 * JDK reads it once), so request timings measure the client, not Nagle's algorithm.
 */
public final class FakePostHog implements AutoCloseable {
    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final Logger log = LoggerFactory.getLogger(FakePostHog.class);
    private static final byte[] OK_BODY = "{\"status\":\"Ok\"}".getBytes(StandardCharsets.UTF_8);
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final String apiKey;
    private final boolean retainEvents;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService delayedReplies;
    private final ObjectMapper mapper = new ObjectMapper();
    private final BatchDecoder decoder = new BatchDecoder(mapper);
    private final FaultScript faults = new FaultScript();
    private final Limits limits = new Limits();
    private final AtomicLong requestNumbers = new AtomicLong();

    private final Object lock = new Object();
    private final List<CapturedEvent> events = new ArrayList<>();
    private final List<CapturedRequest> requests = new ArrayList<>();
    private long acceptedEvents;
    private long acceptedRequests;
    private long receivedRequests;

    private FakePostHog(Builder builder) throws IOException {
        this.apiKey = builder.apiKey;
        this.retainEvents = builder.retainEvents;
        int id = SERVERS.incrementAndGet();
        this.executor = Executors.newFixedThreadPool(builder.threads, daemonThreads("fake-posthog-" + id + "-http-"));
        this.delayedReplies =
                Executors.newSingleThreadScheduledExecutor(daemonThreads("fake-posthog-" + id + "-delayed-"));
        try {
            this.server =
                    HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), builder.port), 256);
        } catch (IOException e) {
            executor.shutdownNow();
            delayedReplies.shutdownNow();
            throw e;
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a server on a free port that accepts {@code apiKey}, keeping every event and request for assertions. */
    public static FakePostHog start(String apiKey) {
        return builder().apiKey(apiKey).start();
    }

    /** Options for {@link #start(String)}: port, handler threads, whether to keep events. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>}; clients POST to {@code baseUri() + "/batch/"}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** {@code baseUri() + "/batch/"}. */
    public URI batchUri() {
        return baseUri().resolve("/batch/");
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Scripted faults; applied to the next {@code POST /batch} requests. */
    public FaultScript faults() {
        return faults;
    }

    /** Body and event size limits. */
    public Limits limits() {
        return limits;
    }

    /** Every accepted event, in the order accepted (a copy); empty when started with {@code retainEvents(false)}. */
    public List<CapturedEvent> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** Every request received, by arrival number (a copy); empty when started with {@code retainEvents(false)}. */
    public List<CapturedRequest> requests() {
        synchronized (lock) {
            List<CapturedRequest> copy = new ArrayList<>(requests);
            copy.sort(Comparator.comparingLong(CapturedRequest::number));
            return List.copyOf(copy);
        }
    }

    /** How many events were accepted (counted even when not retained). */
    public long eventCount() {
        synchronized (lock) {
            return acceptedEvents;
        }
    }

    /** How many requests arrived, whatever their outcome (counted even when not retained). */
    public long requestCount() {
        synchronized (lock) {
            return receivedRequests;
        }
    }

    /** How many requests had their events recorded (counted even when not retained). */
    public long acceptedRequestCount() {
        synchronized (lock) {
            return acceptedRequests;
        }
    }

    /** Accepted events called {@code event}, in arrival order. See {@link CapturedEvents#named}. */
    public List<CapturedEvent> eventsNamed(String event) {
        return CapturedEvents.named(events(), event);
    }

    /** Identities accepted more than once. See {@link CapturedEvents#duplicatesByIdentity}. */
    public Map<EventIdentity, List<CapturedEvent>> duplicatesByIdentity() {
        return CapturedEvents.duplicatesByIdentity(events());
    }

    /** Repeats a correct client would not have produced; empty means OK. See {@link CapturedEvents#unexplainedDuplicates}. */
    public List<String> unexplainedDuplicates() {
        return CapturedEvents.unexplainedDuplicates(events());
    }

    /**
     * Forgets recorded events and requests and their counts, clears the fault script and restores default limits.
     * Request numbers keep increasing. A slow reply already scheduled is still sent.
     */
    public void reset() {
        synchronized (lock) {
            events.clear();
            requests.clear();
            acceptedEvents = 0;
            acceptedRequests = 0;
            receivedRequests = 0;
        }
        faults.clear();
        limits.reset();
    }

    /** Stops listening, drops open connections and pending slow replies. */
    @Override
    public void close() {
        server.stop(0);
        delayedReplies.shutdownNow();
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "FakePostHog[" + baseUri() + "]";
    }

    private void handle(HttpExchange exchange) {
        long number = requestNumbers.incrementAndGet();
        Instant receivedAt = Instant.now();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        boolean recorded = false;
        try {
            if (!path.equals("/batch/") && !path.equals("/batch")) {
                long size = drain(exchange.getRequestBody());
                record(simple(number, receivedAt, method, path, size, 404, "not_found", null), List.of(), false);
                recorded = true;
                reply(exchange, new Reply(404, null, null));
                return;
            }
            if (!method.equals("POST")) {
                long size = drain(exchange.getRequestBody());
                record(
                        simple(number, receivedAt, method, path, size, 405, "method_not_allowed", null),
                        List.of(),
                        false);
                recorded = true;
                reply(exchange, new Reply(405, null, "POST"));
                return;
            }
            Fault fault = faults.take();
            if (fault instanceof Fault.ResetBeforeProcessing) {
                record(
                        simple(number, receivedAt, method, path, -1, CapturedRequest.NO_RESPONSE, null, fault),
                        List.of(),
                        false);
                recorded = true;
                exchange.close();
                return;
            }
            if (fault instanceof Fault.Status s) {
                long size = drain(exchange.getRequestBody());
                Rejection rejection = switch (s.status()) {
                    case 503 -> new Rejection(503, "service_unavailable", "transient error, please retry");
                    case 400 -> new Rejection(400, "scripted_fault", "invalid event could not be processed");
                    default -> new Rejection(s.status(), "scripted_fault", "scripted fault: HTTP " + s.status());
                };
                record(
                        simple(number, receivedAt, method, path, size, s.status(), rejection.code(), fault),
                        List.of(),
                        false);
                recorded = true;
                reply(exchange, error(rejection, null));
                return;
            }
            if (fault instanceof Fault.NotPostHog p) {
                long size = drain(exchange.getRequestBody());
                record(
                        simple(number, receivedAt, method, path, size, p.status(), "not_posthog", fault),
                        List.of(),
                        false);
                recorded = true;
                byte[] page = ("<html><head><title>" + p.status() + " Bad Request</title></head><body><center><h1>"
                                + p.status() + "</h1></center><hr><center>nginx</center></body></html>")
                        .getBytes(StandardCharsets.UTF_8);
                reply(exchange, new Reply(p.status(), page, null, null, "text/html"));
                return;
            }
            if (fault instanceof Fault.RateLimited r) {
                long size = drain(exchange.getRequestBody());
                record(simple(number, receivedAt, method, path, size, 429, "rate_limited", fault), List.of(), false);
                recorded = true;
                reply(exchange, error(new Rejection(429, "rate_limited", "rate limited"), r.retryAfterSeconds()));
                return;
            }
            Decoded d = decoder.decode(
                    exchange.getRequestBody(),
                    exchange.getRequestHeaders().getFirst("Content-Encoding"),
                    limits,
                    apiKey,
                    faults);
            Rejection rejection = d.rejection();
            boolean accept = rejection == null && !(fault instanceof Fault.QuotaLimited);
            Reply reply = rejection == null ? new Reply(200, OK_BODY, null) : error(rejection, null);
            int status = fault instanceof Fault.ResetAfterProcessing ? CapturedRequest.NO_RESPONSE : reply.status();
            CapturedRequest request = new CapturedRequest(
                    number,
                    method,
                    path,
                    d.gzip(),
                    d.compressedBytes(),
                    d.uncompressedBytes(),
                    d.eventCount(),
                    d.historicalMigration(),
                    d.sentAt(),
                    status,
                    accept,
                    rejection == null ? null : rejection.code(),
                    fault,
                    receivedAt);
            List<CapturedEvent> accepted = accept ? toCaptured(d, number, fault) : List.of();
            record(request, accepted, accept);
            recorded = true;
            if (fault instanceof Fault.ResetAfterProcessing) {
                exchange.close();
            } else if (fault instanceof Fault.SlowAfterProcessing slow) {
                delayedReplies.schedule(
                        () -> replyQuietly(exchange, reply), slow.delay().toNanos(), TimeUnit.NANOSECONDS);
            } else if (!faults.latency().isZero()) {
                delayedReplies.schedule(
                        () -> replyQuietly(exchange, reply), faults.latency().toNanos(), TimeUnit.NANOSECONDS);
            } else {
                reply(exchange, reply);
            }
        } catch (IOException e) {
            log.debug("request #{} {} {}: connection failed: {}", number, method, path, e.toString());
            if (!recorded) {
                record(
                        simple(number, receivedAt, method, path, -1, CapturedRequest.NO_RESPONSE, "io_error", null),
                        List.of(),
                        false);
            }
            exchange.close();
        } catch (RuntimeException e) {
            log.warn("request #{} {} {}: answering 500 after {}", number, method, path, e.toString(), e);
            if (!recorded) {
                record(simple(number, receivedAt, method, path, -1, 500, "internal_error", null), List.of(), false);
            }
            replyQuietly(exchange, error(new Rejection(500, "internal_error", "internal server error"), null));
        }
    }

    private List<CapturedEvent> toCaptured(Decoded d, long number, Fault fault) {
        boolean abandoned = fault != null && fault.abandonsProcessedRequest();
        List<CapturedEvent> out = new ArrayList<>(d.events().size());
        for (BatchDecoder.DecodedEvent e : d.events()) {
            out.add(new CapturedEvent(
                    e.event(),
                    e.distinctId(),
                    e.uuid(),
                    e.timestamp(),
                    e.properties(),
                    e.rawJson(),
                    number,
                    abandoned));
        }
        return out;
    }

    private void record(CapturedRequest request, List<CapturedEvent> accepted, boolean eventsRecorded) {
        synchronized (lock) {
            receivedRequests++;
            if (eventsRecorded) {
                acceptedRequests++;
                acceptedEvents += accepted.size();
            }
            if (retainEvents) {
                requests.add(request);
                events.addAll(accepted);
            }
        }
        log.debug(
                "request #{} {} {} -> {} ({} events{})",
                request.number(),
                request.method(),
                request.path(),
                request.status() == CapturedRequest.NO_RESPONSE ? "no response" : request.status(),
                request.eventCount(),
                request.fault() == null ? "" : ", fault " + request.fault());
    }

    private static CapturedRequest simple(
            long number,
            Instant receivedAt,
            String method,
            String path,
            long size,
            int status,
            String code,
            Fault fault) {
        return new CapturedRequest(
                number, method, path, false, size, -1, 0, null, null, status, false, code, fault, receivedAt);
    }

    private static Reply error(Rejection rejection, Long retryAfterSeconds) {
        byte[] bytes = rejection.message().getBytes(StandardCharsets.UTF_8);
        return new Reply(rejection.status(), bytes, null, retryAfterSeconds, "text/plain; charset=utf-8");
    }

    private record Reply(int status, byte[] body, String allow, Long retryAfterSeconds, String contentType) {
        Reply(int status, byte[] body, String allow) {
            this(status, body, allow, null, "application/json");
        }
    }

    private static void reply(HttpExchange exchange, Reply reply) throws IOException {
        try (exchange) {
            if (reply.allow() != null) {
                exchange.getResponseHeaders().set("Allow", reply.allow());
            }
            if (reply.retryAfterSeconds() != null) {
                exchange.getResponseHeaders().set("Retry-After", Long.toString(reply.retryAfterSeconds()));
            }
            if (reply.body() == null) {
                exchange.sendResponseHeaders(reply.status(), -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    private static void replyQuietly(HttpExchange exchange, Reply reply) {
        try {
            reply(exchange, reply);
        } catch (IOException | RuntimeException e) {
            log.debug("late reply not delivered: {}", e.toString());
            exchange.close();
        }
    }

    private static long drain(InputStream body) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = body.read(buffer)) != -1) {
            total += n;
        }
        return total;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Options for a {@link FakePostHog}. */
    public static final class Builder {
        private String apiKey;
        private int port;
        private int threads = 8;
        private boolean retainEvents = true;

        private Builder() {}

        /** The only api_key accepted; required, not blank. */
        public Builder apiKey(String apiKey) {
            Objects.requireNonNull(apiKey, "apiKey");
            if (apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank");
            }
            this.apiKey = apiKey;
            return this;
        }

        /** Port to bind on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Request handler threads; default 8. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Whether to keep every event and request for {@link #events()} and {@link #requests()} (default true). Turn
         * off for long load runs: counts are still kept.
         */
        public Builder retainEvents(boolean retainEvents) {
            this.retainEvents = retainEvents;
            return this;
        }

        /** Starts the server. */
        public FakePostHog start() {
            if (apiKey == null) {
                throw new IllegalStateException("apiKey is required");
            }
            try {
                return new FakePostHog(this);
            } catch (BindException e) {
                throw new UncheckedIOException("cannot bind 127.0.0.1:" + port + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the fake PostHog server: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs a server as a standalone process: {@code --port <n>} (0, the default, picks a free port) and
     * {@code --api-key <key>} (required). Prints the base URL as the first line on stdout, then a one-line summary
     * every 10 s on stderr; events are counted, not kept. Stops on SIGINT/SIGTERM. Exit code 2 on bad arguments.
     */
    public static void main(String[] args) throws InterruptedException {
        StandaloneOptions options;
        try {
            options = StandaloneOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fake-posthog: " + e.getMessage());
            System.err.println(StandaloneOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(StandaloneOptions.USAGE);
            return;
        }
        FakePostHog posthog;
        try {
            posthog = builder()
                    .apiKey(options.apiKey())
                    .port(options.port())
                    .retainEvents(false)
                    .start();
        } catch (UncheckedIOException e) {
            System.err.println("fake-posthog: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(posthog.baseUri());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(daemonThreads("summary-"));
        long[] last = {0, 0};
        reporter.scheduleAtFixedRate(
                () -> {
                    long events = posthog.eventCount();
                    long requests = posthog.requestCount();
                    System.err.printf(
                            "fake-posthog %s: %d events accepted in %d of %d requests; last 10 s: +%d events,"
                                    + " +%d requests%n",
                            posthog.baseUri(),
                            events,
                            posthog.acceptedRequestCount(),
                            requests,
                            events - last[0],
                            requests - last[1]);
                    last[0] = events;
                    last[1] = requests;
                },
                10,
                10,
                TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            reporter.shutdownNow();
            posthog.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
