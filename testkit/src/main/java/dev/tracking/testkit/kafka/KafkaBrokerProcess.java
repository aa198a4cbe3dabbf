package dev.tracking.testkit.kafka;

import dev.tracking.testkit.process.ChildProcess;
import dev.tracking.testkit.tls.TestCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A single-node KRaft Kafka broker in a child JVM ({@code kafka.Kafka}, from the {@code kafka_2.13} jar on the calling
 * test's class path, which {@code spring-kafka-test} brings), bound to 127.0.0.1. Unlike an in-process embedded broker
 * it can be stopped and started again <em>on the same port with the same data</em>: "the broker is down for 30 s,
 * then back", as clients see it. It only ever stops or kills the process it started.
 *
 * <p>{@link #startSecured} adds listeners that authenticate clients with SASL/PLAIN, one without TLS ({@code
 * SASL_PLAINTEXT}) and one with ({@code SASL_SSL}, a {@link TestCertificate} made for the broker); the PLAINTEXT
 * listener stays for the broker itself and for a test's set-up.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final ChildProcess process;
    private final Path properties;
    private final int port;
    private final int saslPort;
    private final int saslSslPort;
    private final TestCertificate certificate;

    private KafkaBrokerProcess(int port, int controllerPort, Map<String, String> plainUsers) {
        this.process = new ChildProcess(KafkaBrokerProcess.class, "kafka", STOP_TIMEOUT);
        this.port = port;
        boolean secured = plainUsers != null;
        this.saslPort = secured ? ChildProcess.freePort() : 0;
        this.saslSslPort = secured ? ChildProcess.freePort() : 0;
        Path dir = process.workDir();
        this.properties = dir.resolve("server.properties");
        this.certificate = secured ? TestCertificate.generate(dir.resolve("tls")) : null;
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=3",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true"));
        if (secured) {
            String users = plainUsers.entrySet().stream()
                    .map(user -> " user_" + user.getKey() + "=\"" + user.getValue() + "\"")
                    .collect(Collectors.joining());
            String jaas = PLAIN_LOGIN_MODULE + " required" + users + ";";
            lines.addAll(List.of(
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                            + ",SASL_SSL://127.0.0.1:" + saslSslPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                            + ",SASL_SSL://127.0.0.1:" + saslSslPort,
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,"
                            + "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
                    "sasl.enabled.mechanisms=PLAIN",
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config=" + jaas,
                    "listener.name.sasl_ssl.plain.sasl.jaas.config=" + jaas,
                    "listener.name.sasl_ssl.ssl.keystore.type=PKCS12",
                    "listener.name.sasl_ssl.ssl.keystore.location=" + certificate.keyStore(),
                    "listener.name.sasl_ssl.ssl.keystore.password=" + certificate.password(),
                    "listener.name.sasl_ssl.ssl.key.password=" + certificate.password()));
        } else {
            lines.addAll(List.of(
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"));
        }
        lines.add("");
        write(properties, String.join("\n", lines));
        write(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d %-5level %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="out"/></root>
                </configuration>
                """);
    }

    /** Formats a fresh cluster and starts the broker on free ports, waiting until it listens. */
    public static KafkaBrokerProcess start() {
        return start(new KafkaBrokerProcess(ChildProcess.freePort(), ChildProcess.freePort(), null));
    }

    /**
     * Like {@link #start()}, with a {@code SASL_PLAINTEXT} and a {@code SASL_SSL} listener beside the PLAINTEXT one,
     * both taking SASL/PLAIN logins of these users.
     *
     * @param plainUsers user name to password
     */
    public static KafkaBrokerProcess startSecured(Map<String, String> plainUsers) {
        return start(new KafkaBrokerProcess(ChildProcess.freePort(), ChildProcess.freePort(), Map.copyOf(plainUsers)));
    }

    private static KafkaBrokerProcess start(KafkaBrokerProcess broker) {
        try {
            broker.format();
            broker.launch();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** {@code 127.0.0.1:<port>}, the same across restarts. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:<port>} of the SASL_PLAINTEXT listener of a {@link #startSecured secured} broker. */
    public String saslPlaintextBootstrapServers() {
        requireSecured();
        return "127.0.0.1:" + saslPort;
    }

    /** {@code 127.0.0.1:<port>} of the SASL_SSL listener of a {@link #startSecured secured} broker. */
    public String saslSslBootstrapServers() {
        requireSecured();
        return "127.0.0.1:" + saslSslPort;
    }

    /** The certificate of the SASL_SSL listener: its {@link TestCertificate#trustStore()} is what clients trust. */
    public TestCertificate certificate() {
        requireSecured();
        return certificate;
    }

    /** A SASL/PLAIN JAAS configuration logging in as {@code user} (a client's {@code sasl.jaas.config}). */
    public static String plainJaasConfig(String user, String password) {
        return PLAIN_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    private void requireSecured() {
        if (certificate == null) {
            throw new IllegalStateException("this broker has no SASL listeners: start it with startSecured");
        }
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    /** Stops the broker gracefully (SIGTERM) and waits for it to exit: clients see it down. */
    public void stop() {
        process.stop();
    }

    /** Starts the broker again on the same port with the same data (topics, records, producer state). */
    public void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        process.close();
    }

    private void format() {
        Path log = process.workDir().resolve("format.log");
        List<String> command =
                java("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", properties.toString());
        try {
            Process format = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("kafka.tools.StorageTool format failed; its log:\n" + read(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting the broker's storage", e);
        }
    }

    private void launch() {
        int[] ports = certificate == null ? new int[] {port} : new int[] {port, saslPort, saslSslPort};
        process.start(
                new ProcessBuilder(java("kafka.Kafka", properties.toString())),
                process.workDir().resolve("kafka.log"),
                ports);
        process.awaitReady(port, STARTUP_TIMEOUT, Duration.ofMillis(100), pid -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            }
        });
    }

    private List<String> java(String mainClass, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(
                java,
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + process.workDir().resolve("logback.xml"),
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting with '-'. */
    private static String clusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            ByteBuffer bytes = ByteBuffer.allocate(16);
            bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }
}
