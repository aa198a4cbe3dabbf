package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tracking.client.cli.CliEnvironment;
import dev.tracking.consumer.consume.ConsumerLag;
import dev.tracking.consumer.consume.PipelineMetrics;
import dev.tracking.consumer.delivery.BatchBody;
import dev.tracking.consumer.delivery.MeteredTransport;
import dev.tracking.consumer.delivery.PostHogTransport;
import dev.tracking.consumer.mapping.EventSelection;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.Tier;
import dev.tracking.consumer.observe.EventVolume;
import dev.tracking.consumer.observe.FactLedger;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml} as far as it can be checked without a Docker engine: every environment variable it (and
 * the consumer's Dockerfile) sets is one the code reads, host ports do not clash, every image is pinned to a version,
 * volumes are mounted where the images write, services wait for the health of what they depend on, and the Grafana
 * dashboard's queries name metrics the consumer exposes.
 */
class ComposeStackTest {
    private static final Path ROOT = Path.of("../..");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    private static final Pattern PINNED =
            Pattern.compile("[^:@\\s]+(:v?\\d+\\.\\d+\\.\\d+[\\w.-]*|@sha256:[0-9a-f]{64})");
    private static final Pattern METRIC = Pattern.compile("\\btracking_[a-z_]+\\b");

    private final JsonNode compose = yaml(ROOT.resolve("docker-compose.yml"));
    private final JsonNode services = compose.path("services");

    @Test
    void everyVariableSetForTheConsumerIsOneItReads() throws IOException {
        Set<String> read = consumerVariables();
        Map<String, String> set = new HashMap<>(environment("tracking-consumer"));
        set.putAll(dockerfileEnv());

        assertThat(set.keySet())
                .as(
                        "variables set for the consumer (compose and Dockerfile); it reads %s and the relaxed forms of"
                                + " its properties",
                        placeholders())
                .isNotEmpty()
                .allSatisfy(name -> assertThat(read).as(name).contains(name));
    }

    @Test
    void everyVariableSetForTheSimulatorIsOneTheFactCommandLineReads() {
        Map<String, String> set = environment("simulator");
        Set<String> asked = new TreeSet<>();
        Map<String, String> recording = new HashMap<>(set) {
            @Override
            public String get(Object key) {
                asked.add(String.valueOf(key));
                return super.get(key);
            }
        };
        CliEnvironment cli = new CliEnvironment(recording);
        cli.bootstrapServers();
        cli.topics();
        cli.schemaRegistry();

        assertThat(set.keySet())
                .isNotEmpty()
                .allSatisfy(name -> assertThat(asked)
                        .as("%s read by the fact command line", name)
                        .contains(name));
    }

    @Test
    void hostPortsDoNotClash() {
        List<String> ports = new ArrayList<>();
        services.fields()
                .forEachRemaining(service ->
                        service.getValue().path("ports").forEach(port -> ports.add(hostSide(port.asText()))));

        assertThat(ports).isNotEmpty().doesNotHaveDuplicates();
        assertThat(ports)
                .allSatisfy(port -> assertThat(port).as("bound to loopback").startsWith("127.0.0.1:"));
    }

    @Test
    void everyImageIsPinnedToAVersion() throws IOException {
        List<String> images = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            JsonNode image = service.getValue().path("image");
            if (!image.isMissingNode()) {
                images.add(image.asText());
            } else {
                assertThat(service.getValue().path("build").isMissingNode())
                        .as("%s has an image or a build", service.getKey())
                        .isFalse();
            }
        });
        for (String line : Files.readAllLines(ROOT.resolve("services/tracking-consumer/Dockerfile"))) {
            if (line.startsWith("FROM ")) {
                images.add(line.substring(5).trim());
            }
        }

        assertThat(images)
                .allSatisfy(image -> assertThat(image)
                        .as("pinned: a full version or a digest, never latest or a major only")
                        .matches(PINNED));
    }

    @Test
    void theIntegrationTestsContainerBrokerIsComposesKafkaImage() {
        assertThat(TestKafka.IMAGE)
                .as("TRACKING_IT_KAFKA=container runs the image the stack runs")
                .isEqualTo(services.path("kafka").path("image").asText());
    }

    @Test
    void volumesAreMountedWhereTheImagesWrite() throws IOException {
        assertThat(mounts("kafka")).containsEntry(environment("kafka").get("KAFKA_LOG_DIRS"), "kafka-data");
        assertThat(mounts("redis")).containsEntry("/data", "redis-data");
        String registryFile = environment("schema-registry").get("APICURIO_DATASOURCE_URL");
        assertThat(registryFile).startsWith("jdbc:h2:file:/data/");
        assertThat(mounts("schema-registry")).containsEntry("/data", "registry-data");
        assertThat(mounts("prometheus")).containsEntry("/prometheus", "prometheus-data");
        assertThat(mounts("grafana")).containsEntry("/var/lib/grafana", "grafana-data");

        String dryRunDir = Path.of(environment("tracking-consumer").get("TRACKING_POSTHOG_DRY_RUN_FILE"))
                .getParent()
                .toString();
        assertThat(mounts("tracking-consumer")).containsEntry(dryRunDir, "dry-run");
        String dockerfile = Files.readString(ROOT.resolve("services/tracking-consumer/Dockerfile"));
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
        assertThat(user.find()).as("the image runs as a user of its own").isTrue();
        assertThat(dockerfile)
                .as("the image creates %s and gives it to %s, so the volume starts writable", dryRunDir, user.group(1))
                .contains("mkdir -p " + dryRunDir)
                .contains("chown " + user.group(1) + " " + dryRunDir);

        Set<String> declared = new TreeSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(declared::add);
        Set<String> used = new TreeSet<>();
        services.fields()
                .forEachRemaining(service -> mounts(service.getKey()).forEach((target, source) -> {
                    if (source.startsWith(".")) {
                        assertThat(ROOT.resolve(source))
                                .as("bind mount of %s", service.getKey())
                                .exists();
                    } else {
                        used.add(source);
                    }
                }));
        assertThat(used).as("named volumes mounted").containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void servicesWaitForTheHealthOfWhatTheyDependOn() {
        services.fields().forEachRemaining(service -> {
            if (service.getValue().path("profiles").isMissingNode()) {
                assertThat(service.getValue().path("healthcheck").path("test").isMissingNode())
                        .as("%s has a health check", service.getKey())
                        .isFalse();
            }
            service.getValue().path("depends_on").fields().forEachRemaining(dependency -> {
                boolean checked =
                        !services.path(dependency.getKey()).path("healthcheck").isMissingNode();
                String condition = dependency.getValue().path("condition").asText();
                if (checked && !service.getKey().equals("prometheus")) {
                    assertThat(condition)
                            .as("%s waits for %s to be healthy", service.getKey(), dependency.getKey())
                            .isEqualTo("service_healthy");
                } else {
                    assertThat(condition).isIn("service_healthy", "service_started");
                }
            });
        });
    }

    @Test
    void theDashboardsQueriesNameMetricsTheConsumerExposes() throws IOException {
        Set<String> exposed = exposedMetricNames();
        JsonNode dashboard = new ObjectMapper()
                .readTree(ROOT.resolve("deploy/grafana/dashboards/tracking-consumer.json")
                        .toFile());
        List<String> expressions = dashboard.findValuesAsText("expr");
        Set<String> named = new TreeSet<>();
        expressions.forEach(expr -> {
            Matcher metric = METRIC.matcher(expr);
            while (metric.find()) {
                named.add(metric.group());
            }
        });

        assertThat(expressions).hasSizeGreaterThanOrEqualTo(10);
        assertThat(named)
                .as("throughput, latency, lag, dead letters by category, volume against the allowance")
                .contains(
                        "tracking_facts_consumed_total",
                        "tracking_delivery_latency_seconds_bucket",
                        "tracking_consumer_lag",
                        "tracking_facts_dead_lettered_total",
                        "tracking_events_delivered_total",
                        "tracking_events_monthly_allowance");
        assertThat(named)
                .allSatisfy(name ->
                        assertThat(exposed).as("a metric named %s", name).contains(name));

        JsonNode scrape = yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"))
                .path("scrape_configs")
                .get(0);
        assertThat(scrape.path("metrics_path").asText()).isEqualTo("/actuator/prometheus");
        assertThat(scrape.path("static_configs").get(0).path("targets").get(0).asText())
                .isEqualTo("tracking-consumer:8080");
    }

    /** The names of every sample the consumer's meters give Prometheus, each meter registered as the app does. */
    private static Set<String> exposedMetricNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FactMapping mapping = FactMapping.standard();
        PipelineMetrics metrics =
                new PipelineMetrics(registry, FactLedger.of(registry), new EventVolume(Clock.systemUTC(), 1_000_000));
        metrics.registerEvents(mapping.eventTypes().values());
        metrics.registerSuppressed(EventSelection.of(List.of(Tier.CORE_FUNNEL), List.of(), mapping.eventTypes())
                .suppressed(mapping.eventTypes().values()));
        MeteredTransport transport = new MeteredTransport(
                new PostHogTransport() {
                    @Override
                    public CompletableFuture<Response> send(BatchBody body) {
                        return CompletableFuture.completedFuture(new Response(200, null, "{}"));
                    }

                    @Override
                    public String destination() {
                        return "nowhere";
                    }
                },
                registry,
                CircuitBreaker.ofDefaults("posthog"));
        transport.send(BatchBody.of("phc", false, List.of(), 0)).join();
        TopicPartition partition = new TopicPartition("facts.engagement", 0);
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
        consumer.assign(List.of(partition));
        consumer.updateBeginningOffsets(Map.of(partition, 0L));
        consumer.updateEndOffsets(Map.of(partition, 10L));
        consumer.addRecord(new ConsumerRecord<>("facts.engagement", 0, 0, new byte[0], new byte[0]));
        consumer.poll(java.time.Duration.ZERO);
        new ConsumerLag(registry).observe(consumer);

        Set<String> names = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        assertThat(names).as("metrics exposed").contains("tracking_consumer_lag");
        return names;
    }

    /** What the consumer reads: placeholders of its application.yml, and every known property in its relaxed form. */
    private static Set<String> consumerVariables() throws IOException {
        Set<String> read = new HashSet<>(placeholders());
        Enumeration<URL> metadata =
                ComposeStackTest.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json");
        ObjectMapper json = new ObjectMapper();
        while (metadata.hasMoreElements()) {
            try (InputStream in = metadata.nextElement().openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    // Spring Boot binds both forms: dashes removed (canonical) or turned into underscores (legacy)
                    String upper = property.path("name")
                            .asText()
                            .toUpperCase(Locale.ROOT)
                            .replace('.', '_');
                    read.add(upper.replace("-", ""));
                    read.add(upper.replace('-', '_'));
                }
            }
        }
        return read;
    }

    private static Set<String> placeholders() {
        try (InputStream in = ComposeStackTest.class.getResourceAsStream("/application.yml")) {
            Matcher matcher = PLACEHOLDER.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            Set<String> names = new TreeSet<>();
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            return names;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> dockerfileEnv() throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("services/tracking-consumer/Dockerfile"))) {
            if (line.startsWith("ENV ")) {
                String[] pair = line.substring(4).trim().split("=", 2);
                env.put(pair[0], pair[1]);
            }
        }
        return env;
    }

    private Map<String, String> environment(String service) {
        Map<String, String> env = new HashMap<>();
        services.path(service)
                .path("environment")
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** Mount target to source (a named volume, or a relative path for a bind mount). */
    private Map<String, String> mounts(String service) {
        Map<String, String> mounts = new HashMap<>();
        services.path(service).path("volumes").forEach(volume -> {
            String[] parts = volume.asText().split(":");
            mounts.put(parts[1], parts[0]);
        });
        return mounts;
    }

    private static String hostSide(String port) {
        String[] parts = port.split(":");
        return parts.length == 3 ? parts[0] + ":" + parts[1] : "0.0.0.0:" + parts[0];
    }

    private static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
