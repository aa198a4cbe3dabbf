package dev.tracking.bench.sink;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fast PostHog capture endpoint for the benchmark: {@code POST /batch} and {@code /batch/} on 127.0.0.1, gzip or
 * plain JSON, every body gunzipped and read event by event ({@link BatchReader}) into the {@link Ledger}, answered
 * {@code 200 {"status":"Ok"}} after the added {@link #delay(Duration) delay}, or as the {@link FaultSchedule} says.
 * Unlike the testkit's {@code FakePostHog} it keeps no event, only counters and hashes, so it can take millions.
 *
 * <p>TCP_NODELAY is on ({@code sun.net.httpserver.nodelay}, set before the JDK's server is first used): with Nagle's
 * algorithm, responses wait for delayed ACKs and the benchmark would measure the kernel.
 */
public final class BatchSink implements AutoCloseable {
    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final Logger log = LoggerFactory.getLogger(BatchSink.class);
    private static final byte[] OK = "{\"status\":\"Ok\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] UNAVAILABLE = "transient error, please retry".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RATE_LIMITED = "rate limited".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService workers;
    private final ScheduledExecutorService replies;
    private final ThreadLocal<BatchReader> readers = ThreadLocal.withInitial(BatchReader::new);
    private final FaultSchedule faults = new FaultSchedule();
    private final Ledger ledger;
    private volatile long delayMillis;

    private BatchSink(ExpectedEvents expected) throws IOException {
        this.ledger = new Ledger(expected);
        this.workers = Executors.newCachedThreadPool(daemon("sink-http-"));
        this.replies = Executors.newScheduledThreadPool(2, daemon("sink-reply-"));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.createContext("/", this::handle);
        server.setExecutor(workers);
        server.start();
    }

    /** Starts a sink on a free port of 127.0.0.1 that checks what it receives against {@code expected}. */
    public static BatchSink start(ExpectedEvents expected) throws IOException {
        return new BatchSink(expected);
    }

    /** The PostHog host to give a relay: {@code http://127.0.0.1:<port>}. */
    public URI host() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Added to every answer, like a round trip to PostHog cloud; zero for loopback speed. */
    public void delay(Duration delay) {
        this.delayMillis = delay.toMillis();
    }

    public FaultSchedule faults() {
        return faults;
    }

    public Ledger ledger() {
        return ledger;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/batch") && !path.equals("/batch/")) {
                reply(exchange, 404, "not found".getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                reply(exchange, 405, new byte[0], null);
                return;
            }
            byte[] bytes;
            try (InputStream in = exchange.getRequestBody()) {
                bytes = in.readAllBytes();
            }
            ledger.requestArrived();
            FaultSchedule.Decision decision = faults.decide();
            if (decision instanceof FaultSchedule.Unavailable) {
                reply(exchange, 503, UNAVAILABLE, null);
                return;
            }
            if (decision instanceof FaultSchedule.RateLimited limited) {
                reply(exchange, 429, RATE_LIMITED, Long.toString(limited.retryAfterSeconds()));
                return;
            }
            Ledger.Received events = new Ledger.Received();
            try {
                byte[] json = gunzipIfNeeded(bytes, exchange.getRequestHeaders().getFirst("Content-Encoding"));
                readers.get().read(json, json.length, events::add);
            } catch (IOException e) {
                ledger.rejected();
                reply(
                        exchange,
                        400,
                        ("failed to parse request: " + e.getMessage()).getBytes(StandardCharsets.UTF_8),
                        null);
                return;
            }
            ledger.received(events);
            long delay = decision instanceof FaultSchedule.Slow slow ? slow.delayMillis() : delayMillis;
            boolean inTime = !(decision instanceof FaultSchedule.Slow);
            if (delay <= 0) {
                acknowledge(exchange, events, inTime);
            } else {
                replies.schedule(() -> acknowledge(exchange, events, inTime), delay, TimeUnit.MILLISECONDS);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("request failed: {}", e.toString());
            exchange.close();
        }
    }

    private void acknowledge(HttpExchange exchange, Ledger.Received events, boolean inTime) {
        try {
            reply(exchange, 200, OK, null);
            if (inTime) {
                ledger.acknowledged(events, System.currentTimeMillis());
            }
        } catch (IOException | RuntimeException e) {
            // the relay gave up waiting (a slow answer): PostHog would have ingested the events all the same
            exchange.close();
        }
    }

    private static byte[] gunzipIfNeeded(byte[] bytes, String encoding) throws IOException {
        boolean gzip = "gzip".equalsIgnoreCase(encoding)
                || bytes.length > 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
        if (!gzip) {
            return bytes;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 64 * 1024)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new BatchReader.MalformedBatchException("invalid GZIP data");
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body, String retryAfter) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        replies.shutdownNow();
        workers.shutdownNow();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
