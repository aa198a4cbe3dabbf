package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tracking.client.FactPublisher;
import dev.tracking.facts.LeaderboardViewed;
import dev.tracking.facts.SignupMethod;
import dev.tracking.facts.UserSignedUp;
import dev.tracking.schemas.FactFamily;
import dev.tracking.testkit.fixtures.FactFixtures;
import dev.tracking.testkit.kafka.KafkaBrokerProcess;
import dev.tracking.testkit.posthog.CapturedEvent;
import dev.tracking.testkit.posthog.FakePostHog;
import dev.tracking.testkit.posthog.Fault;
import dev.tracking.testkit.redis.RedisServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Secrets come from the environment and never reach the logs. The packaged consumer runs as its own process with every
 * secret it takes set as an environment variable — the PostHog API key, the Kafka SASL password (inside {@code
 * KAFKA_SASL_JAAS_CONFIG}; the broker is a {@code kafka.Kafka} process that authenticates with SASL/PLAIN), the Redis
 * password (in {@code REDIS_URL}; a redis-server with {@code requirepass}) and the schema registry's basic-auth
 * password (a registry stand-in that checks it) — and with {@code dev.tracking} at DEBUG and Kafka's clients at INFO.
 * It processes facts that take every path that logs: delivered, dead-lettered because PostHog refused the event (400,
 * found by bisection), undecodable, naming a schema the registry does not know, and a PostHog outage (503) retried.
 * Everything the process printed (stdout and stderr, start to shutdown) is then searched for every secret, and for the
 * emails and names the facts carry. Two more runs stop at start-up: a wrong Redis password, and a Redis URL Lettuce
 * cannot read; their output must not show the password either.
 *
 * <p>Each run's output is kept in {@code target/secrets-logs/} for a look after a failure.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecretsNotLoggedIT {
    private static final Path JAR = Path.of("target/tracking-consumer.jar");
    private static final Path LOGS = Path.of("target/secrets-logs");
    private static final String MARK = Long.toHexString(System.nanoTime());

    private static final String API_KEY = "phc_apikey" + MARK;
    private static final String KAFKA_USER = "tracking-consumer";
    private static final String KAFKA_PASSWORD = "kafkaSecret" + MARK;
    private static final String REDIS_PASSWORD = "redisSecret" + MARK;
    private static final String REGISTRY_USER = "registry-user";
    private static final String REGISTRY_PASSWORD = "registrySecret" + MARK;
    private static final String REGISTRY_AUTHORIZATION = "Basic "
            + Base64.getEncoder()
                    .encodeToString((REGISTRY_USER + ":" + REGISTRY_PASSWORD).getBytes(StandardCharsets.UTF_8));

    /** Ada's signup PostHog refuses (400): dead-lettered with her email and name in the record. */
    private static final UserSignedUp ADA = new UserSignedUp(
            FactFixtures.factId("secrets-ada-" + MARK),
            FactFixtures.MONDAY_9AM,
            null,
            "user-ada-" + MARK,
            "signup-service",
            "ada.lovelace." + MARK + "@analytical.example",
            "Ada Lovelace" + MARK,
            SignupMethod.EMAIL);
    /** Grace's signup is delivered, her email and name in PostHog's $set. */
    private static final UserSignedUp GRACE = new UserSignedUp(
            FactFixtures.factId("secrets-grace-" + MARK),
            FactFixtures.minutesLater(1),
            null,
            "user-grace-" + MARK,
            "signup-service",
            "grace.hopper." + MARK + "@cobol.example",
            "Grace Hopper" + MARK,
            SignupMethod.GITHUB);

    private static KafkaBrokerProcess kafka;
    private static RedisServer redis;
    private static FakePostHog posthog;
    private static RegistryStandIn registry;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void startServers() throws IOException {
        Assumptions.assumeTrue(
                Files.exists(JAR),
                "SecretsNotLoggedIT needs the packaged consumer (mvn verify builds " + JAR + " first)");
        Files.createDirectories(LOGS);
        redis = RedisServer.startOrSkip(RedisServer.Security.none().requirePass(REDIS_PASSWORD));
        kafka = KafkaBrokerProcess.startSecured(Map.of(KAFKA_USER, KAFKA_PASSWORD));
        posthog = FakePostHog.start(API_KEY);
        registry = RegistryStandIn.start(REGISTRY_AUTHORIZATION);
    }

    @AfterAll
    static void stopServers() {
        for (AutoCloseable server : new AutoCloseable[] {registry, posthog, kafka, redis}) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception e) {
                System.err.println("could not stop " + server + ": " + e);
            }
        }
    }

    @AfterEach
    void stopConsumers() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRunWithEverySecretSetLogsNoneOfThemNorThePeopleInTheFacts(TestInfo test) throws Exception {
        posthog.reset();
        posthog.faults()
                .next(Fault.status(503)) // an outage: the first request is retried
                .rejectEventsWhere(event -> event.toString().contains(ADA.getEmail()));
        LeaderboardViewed view = new LeaderboardViewed(
                FactFixtures.factId("secrets-view-" + MARK),
                FactFixtures.minutesLater(2),
                "team-" + MARK,
                GRACE.getUserId(),
                null);
        publish(List.of(ADA, GRACE, view));
        publishRaw(FactFamily.ENGAGEMENT.defaultTopic(), "not avro at all".getBytes(StandardCharsets.UTF_8));
        publishRaw(FactFamily.ONBOARDING.defaultTopic(), confluentFramed(4711));

        Path log = LOGS.resolve(test.getTestMethod().orElseThrow().getName() + ".log");
        Process consumer =
                startConsumer(secretEnvironment(redis.uri("", REDIS_PASSWORD).toString()), log);

        await("Grace's signup and view reached PostHog")
                .atMost(Duration.ofSeconds(90))
                .until(() -> posthog.events().stream()
                                .map(CapturedEvent::distinctId)
                                .filter(GRACE.getUserId()::equals)
                                .count()
                        >= 2);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = awaitDeadLetters(3);
        assertThat(posthog.faults().pending())
                .as("scripted 503s not yet answered")
                .isZero();
        assertThat(registry.authorized.get())
                .as("registry requests with the right basic-auth header (start-up check, schema 4711)")
                .isGreaterThanOrEqualTo(2);
        assertThat(registry.refused.get()).as("registry requests without it").isZero();
        assertThat(deadLetters).hasSize(3);

        int port = serverPort(log);
        for (String endpoint : List.of("health", "tracking", "info", "metrics")) {
            String body = get("http://127.0.0.1:" + port + "/actuator/" + endpoint);
            assertThat(body).as("/actuator/" + endpoint).isNotBlank();
            assertNoSecretIn(body);
        }

        consumer.destroy(); // SIGTERM: the shutdown's lines are part of the run
        assertThat(consumer.waitFor(30, TimeUnit.SECONDS))
                .as("consumer stopped")
                .isTrue();
        String output = Files.readString(log);

        assertThat(output)
                .as("the run logged at DEBUG, with its Redis store and its dead letters")
                .contains("DEBUG", "dedup store: Redis at redis://127.0.0.1:" + redis.port())
                .contains("ConsumerConfig values", "sasl.jaas.config = [hidden]")
                .contains("dead-letter");
        assertNoSecretIn(output);
    }

    @Test
    void aRefusedRedisPasswordStopsStartUpWithoutShowingIt(TestInfo test) throws Exception {
        String wrong = "wrongRedisSecret" + MARK;
        Path log = LOGS.resolve(test.getTestMethod().orElseThrow().getName() + ".log");

        Process consumer = startConsumer(secretEnvironment(redis.uri("", wrong).toString()), log);

        assertThat(consumer.waitFor(90, TimeUnit.SECONDS)).as("consumer exited").isTrue();
        assertThat(consumer.exitValue()).isNotZero();
        String output = Files.readString(log);
        assertThat(output)
                .contains("Redis at tracking.dedup.redis.url=redis://127.0.0.1:" + redis.port()
                        + " refused the connection: WRONGPASS")
                .doesNotContain(wrong);
        assertNoSecretIn(output);
    }

    @Test
    void aRedisUrlLettuceCannotReadStopsStartUpWithoutShowingItsPassword(TestInfo test) throws Exception {
        String password = "unreadableSecret" + MARK;
        Path log = LOGS.resolve(test.getTestMethod().orElseThrow().getName() + ".log");

        // a database that is no number: Spring binds the URL (it encodes the space), Lettuce refuses it
        Process consumer = startConsumer(
                secretEnvironment("redis://:" + password + "@127.0.0.1:" + redis.port() + "/0 (primary)"), log);

        assertThat(consumer.waitFor(90, TimeUnit.SECONDS)).as("consumer exited").isTrue();
        assertThat(consumer.exitValue()).isNotZero();
        String output = Files.readString(log);
        assertThat(output)
                .contains("tracking.dedup.redis.url=redis://127.0.0.1:" + redis.port()
                        + "/0%20(primary) is not a Redis URL (expected redis://[[user:]password@]host[:port][/db]")
                .doesNotContain(password);
        assertNoSecretIn(output);
    }

    /** The port the consumer's web server took, from its log. */
    private static int serverPort(Path log) throws IOException {
        Matcher started = Pattern.compile("Tomcat started on port (\\d+)").matcher(Files.readString(log));
        assertThat(started.find()).as("the consumer's log names its port").isTrue();
        return Integer.parseInt(started.group(1));
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .build();
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static void assertNoSecretIn(String output) {
        assertThat(output)
                .as("the consumer's output")
                .isNotBlank()
                .doesNotContain(API_KEY)
                .doesNotContain(KAFKA_PASSWORD)
                .doesNotContain(REDIS_PASSWORD)
                .doesNotContain(REGISTRY_PASSWORD)
                .doesNotContain(REGISTRY_AUTHORIZATION.substring("Basic ".length()))
                .doesNotContain(ADA.getEmail(), ADA.getName(), GRACE.getEmail(), GRACE.getName());
    }

    /** Every secret as an environment variable, Redis at {@code redisUrl}, logs at DEBUG for our code. */
    private static Map<String, String> secretEnvironment(String redisUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.saslPlaintextBootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("KAFKA_SASL_MECHANISM", "PLAIN");
        env.put("KAFKA_SASL_JAAS_CONFIG", KafkaBrokerProcess.plainJaasConfig(KAFKA_USER, KAFKA_PASSWORD));
        env.put("TRACKING_CONSUMER_GROUP", "secrets-" + UUID.randomUUID());
        env.put("POSTHOG_HOST", posthog.baseUri().toString());
        env.put("POSTHOG_API_KEY", API_KEY);
        env.put("TRACKING_DEDUP_STORE", "redis");
        env.put("REDIS_URL", redisUrl);
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("SCHEMA_REGISTRY_USER", REGISTRY_USER);
        env.put("SCHEMA_REGISTRY_PASSWORD", REGISTRY_PASSWORD);
        env.put("TRACKING_SCHEMA_REGISTRY_UNKNOWN_SCHEMA_HOLD", "0s");
        env.put("TRACKING_POSTHOG_REQUEST_TIMEOUT", "2s");
        env.put("TRACKING_DELIVERY_RETRY_INITIAL_BACKOFF", "50ms");
        env.put("SERVER_PORT", "0");
        env.put("LOGGING_LEVEL_DEV_TRACKING", "DEBUG");
        env.put("LOGGING_LEVEL_ORG_APACHE_KAFKA", "INFO");
        return env;
    }

    /** The packaged consumer with exactly {@code env} (and PATH, HOME), its output to {@code log}. */
    private Process startConsumer(Map<String, String> env, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        String path = environment.get("PATH");
        String home = environment.get("HOME");
        environment.clear();
        environment.put("PATH", path == null ? "/usr/bin:/bin" : path);
        if (home != null) {
            environment.put("HOME", home);
        }
        environment.putAll(env);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** Publishes facts through the broker's PLAINTEXT listener and waits for Kafka's acknowledgements. */
    private static void publish(List<? extends SpecificRecord> facts) {
        try (FactPublisher publisher = TestPublishing.publisher(kafka.bootstrapServers())) {
            TestPublishing.publishAll(publisher, facts);
        }
    }

    /** Writes a value as it is (no encoding) through the broker's PLAINTEXT listener. */
    private static void publishRaw(String topic, byte[] value) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, ("raw-" + MARK).getBytes(StandardCharsets.UTF_8), value))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** The Confluent framing (magic byte 0, schema id) around bytes that are no Avro record. */
    private static byte[] confluentFramed(int schemaId) {
        return ByteBuffer.allocate(8)
                .put((byte) 0)
                .putInt(schemaId)
                .put(new byte[] {1, 2, 3})
                .array();
    }

    /** Waits until the dead-letter topics hold {@code count} records, read through the PLAINTEXT listener. */
    private static List<ConsumerRecord<byte[], byte[]>> awaitDeadLetters(int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "dead-letter-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(Pattern.compile("facts\\..*-dlt"));
            await("three dead letters").atMost(Duration.ofSeconds(90)).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }

    /**
     * A stand-in for a schema registry's Confluent API that wants basic auth: {@code GET /subjects} is an empty list,
     * every schema id is unknown (404, error 40403), a request without the right {@code Authorization} is a 401.
     */
    private static final class RegistryStandIn implements AutoCloseable {
        final AtomicInteger authorized = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        private final HttpServer server;

        private RegistryStandIn(HttpServer server) {
            this.server = server;
        }

        static RegistryStandIn start(String authorization) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            RegistryStandIn registry = new RegistryStandIn(server);
            server.createContext("/", exchange -> registry.answer(exchange, authorization));
            server.start();
            return registry;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void answer(HttpExchange exchange, String authorization) throws IOException {
            try (exchange) {
                if (!authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    refused.incrementAndGet();
                    send(exchange, 401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
                } else if (exchange.getRequestURI().getPath().equals("/subjects")) {
                    authorized.incrementAndGet();
                    send(exchange, 200, "[]");
                } else {
                    authorized.incrementAndGet();
                    send(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
                }
            }
        }

        private static void send(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }

        @Override
        public void close() {
            server.stop(0);
        }

        @Override
        public String toString() {
            return "registry stand-in at " + url();
        }
    }
}
