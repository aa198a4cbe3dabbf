package dev.tracking.testkit.kafka;

import dev.tracking.testkit.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft Kafka broker in a child JVM ({@code kafka.Kafka}, from the {@code kafka_2.13} jar on the calling
 * test's class path, which {@code spring-kafka-test} brings), bound to 127.0.0.1. Unlike an in-process embedded broker
 * it can be stopped and started again <em>on the same port with the same data</em>: "the broker is down for 30 s,
 * then back", as clients see it. It only ever stops or kills the process it started.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final ChildProcess process;
    private final Path properties;
    private final int port;

    private KafkaBrokerProcess(int port, int controllerPort) {
        this.process = new ChildProcess(KafkaBrokerProcess.class, "kafka", STOP_TIMEOUT);
        this.port = port;
        Path dir = process.workDir();
        this.properties = dir.resolve("server.properties");
        write(
                properties,
                String.join(
                        "\n",
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
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
                        "auto.create.topics.enable=true",
                        ""));
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
        KafkaBrokerProcess broker = new KafkaBrokerProcess(ChildProcess.freePort(), ChildProcess.freePort());
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
        process.start(
                new ProcessBuilder(java("kafka.Kafka", properties.toString())),
                process.workDir().resolve("kafka.log"),
                port);
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
