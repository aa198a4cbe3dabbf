package dev.tracking.testkit.registry;

import dev.tracking.testkit.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * An Apicurio Registry {@value #VERSION} process started for a test, on 127.0.0.1 and free ports, serving the
 * Confluent-compatible API at {@link #ccompatUrl()}.
 *
 * <p>Apicurio is a Quarkus application that needs Java 21 or newer; the tests run on Java 17. {@link #javaHome()} finds
 * a JDK 21+ ({@code -Dapicurio.java.home}, the running JVM, {@code JAVA_HOME}, or the newest under {@code
 * /usr/lib/jvm}); {@link #startOrSkip()} aborts the test (reported as skipped, reason printed) when there is none.
 *
 * <p>The application comes from Maven Central, {@code io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all}. A module
 * whose tests use it unpacks it with the maven-dependency-plugin and passes the directory as {@code -Dapicurio.home}
 * (see tracking-client's pom); without that property it uses {@code target/apicurio-registry}. When the directory
 * does not hold the application yet, the launcher unpacks the archive there from the local Maven repository ({@code
 * ~/.m2/repository}, or {@code -Dmaven.repo.local}) with {@code tar}. It never downloads anything itself.
 *
 * <p>Storage is an H2 database in the launcher's temporary directory, so {@link #stop()} then {@link
 * #restartOnSamePort()} behaves like a real registry restart (schemas and ids survive); {@link #close()} deletes it.
 * The launcher only stops the process it started: it checks that nothing listens on the port before launching, and
 * counts the registry as up only when its own process's access log shows the readiness probe. Every request the
 * registry serves is in that access log: {@link #requests()} lists those not made by the launcher, so a test can
 * assert how many calls a client made. A JVM shutdown hook kills the process if a test forgets {@link #close()}.
 */
public final class ApicurioRegistry implements AutoCloseable {
    public static final String VERSION = "3.3.3";
    /** The path of the Confluent-compatible API. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final String ARCHIVE =
            "io/apicurio/apicurio-registry-app/" + VERSION + "/apicurio-registry-app-" + VERSION + "-all.tar.gz";
    private static final String LAUNCHER_AGENT = "apicurio-test-launcher";
    private static final Pattern ACCESS = Pattern.compile(
            "apicurio-registry\\.access method=\"(\\w+)\" path=\"([^\"]*)\" response_code=\"(\\d+)\".*user_agent=\"([^\"]*)\"");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;

    private final Path java;
    private final Path home;
    private final ChildProcess process;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private int port;

    /** One request the registry served, from its access log. */
    public record Request(String method, String path, int status) {
        @Override
        public String toString() {
            return method + " " + path + " " + status;
        }
    }

    private ApicurioRegistry(Path java, Path home) {
        this.java = java;
        this.home = home;
        this.process = new ChildProcess(ApicurioRegistry.class, "Apicurio Registry", STOP_TIMEOUT);
    }

    /**
     * Starts a registry on free ports and waits until its Confluent-compatible API answers (about 4 s).
     *
     * @throws IllegalStateException when there is no Java 21+ JDK, the application is not unpacked or in the local
     *     Maven repository, or it does not come up (the message holds the tail of its log)
     */
    public static ApicurioRegistry start() {
        Path javaHome = javaHome().orElseThrow(() -> new IllegalStateException(noJavaReason()));
        Path home = home();
        ApicurioRegistry registry = new ApicurioRegistry(javaHome.resolve("bin").resolve("java"), home);
        registry.process.launchOnFreePorts(
                START_ATTEMPTS, () -> registry.launch(ChildProcess.freePort(), ChildProcess.freePort()));
        return registry;
    }

    /**
     * Like {@link #start()}, but when no Java 21+ JDK is installed prints the reason on stderr and aborts the calling
     * test (JUnit's {@link Assumptions#abort(String)}: reported as skipped, not failed). A missing application is a
     * failure, not a skip: the build provides it.
     */
    public static ApicurioRegistry startOrSkip() {
        if (javaHome().isEmpty()) {
            String reason = noJavaReason() + "; skipping this test";
            System.err.println(reason);
            return Assumptions.abort(reason);
        }
        return start();
    }

    /**
     * A JDK or JRE of Java 21 or newer: {@code -Dapicurio.java.home}, else the running JVM, else {@code JAVA_HOME},
     * else the newest under {@code /usr/lib/jvm} (Debian's JVM directory, where a Temurin 25 usually sits).
     */
    public static Optional<Path> javaHome() {
        String explicit = System.getProperty("apicurio.java.home");
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit);
            return isJava21(path) ? Optional.of(path) : Optional.empty();
        }
        if (Runtime.version().feature() >= 21) {
            return Optional.of(Path.of(System.getProperty("java.home")));
        }
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank() && isJava21(Path.of(javaHome))) {
            return Optional.of(Path.of(javaHome));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> candidates = Files.list(jvms)) {
            return candidates
                    .filter(ApicurioRegistry::isJava21)
                    .max(Comparator.comparingInt(ApicurioRegistry::featureVersion)
                            .thenComparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The Confluent-compatible API, {@code http://127.0.0.1:<port>/apis/ccompat/v7}. */
    public URI ccompatUrl() {
        return URI.create(baseUrl() + CCOMPAT_PATH);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The HTTP port, stable across {@link #restartOnSamePort()}. */
    public synchronized int port() {
        return port;
    }

    /** Whether the process it started is alive. */
    public boolean isRunning() {
        return process.isRunning();
    }

    /** Whether the Confluent-compatible API answers 200 within a second. */
    public boolean answers() {
        return probe(port(), "/subjects") == 200;
    }

    /**
     * Every request the registry served since it was first started (across restarts), oldest first, except the
     * launcher's own probes. Waits until the access log has caught up with the moment of the call.
     */
    public List<Request> requests() {
        String sentinel = "/subjects?sentinel=" + UUID.randomUUID();
        if (probe(port(), sentinel) != 200) {
            throw new IllegalStateException(
                    "Apicurio Registry on port " + port() + " does not answer; cannot sync its" + " access log");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<String> lines = process.logLines();
            if (lines.stream().anyMatch(line -> line.contains(CCOMPAT_PATH + sentinel))) {
                List<Request> requests = new ArrayList<>();
                for (String line : lines) {
                    Matcher m = ACCESS.matcher(line);
                    if (m.find() && !m.group(4).equals(LAUNCHER_AGENT)) {
                        requests.add(new Request(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
                    }
                }
                return requests;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the access log of Apicurio Registry on port " + port() + " did not show a probe within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
            }
        }
    }

    /** Stops the process gracefully (SIGTERM; SIGKILL after 15 s) and waits for it to exit. No-op when stopped. */
    public synchronized void stop() {
        process.stop();
    }

    /** Kills the process at once (SIGKILL), like a crash, and waits for it to exit. No-op when stopped. */
    public synchronized void kill() {
        process.kill();
    }

    /**
     * Starts a fresh process on the same port, with the same storage (stopping the current one first, if running), and
     * waits until it answers.
     *
     * @throws IllegalStateException when something else now listens on the port, or the registry does not come up
     */
    public synchronized void restartOnSamePort() {
        stop();
        launch(port, ChildProcess.freePort());
    }

    /** Stops the process and deletes its work directory (storage and log). */
    @Override
    public synchronized void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "ApicurioRegistry[" + ccompatUrl() + ", " + process + "]";
    }

    private void launch(int port, int managementPort) {
        Path workDir = process.workDir();
        ProcessBuilder builder = new ProcessBuilder(
                        java.toString(),
                        "-Xmx384m",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.http.port=" + port,
                        "-Dquarkus.management.host=127.0.0.1",
                        "-Dquarkus.management.port=" + managementPort,
                        "-Dapicurio.datasource.url=jdbc:h2:file:" + workDir.resolve("registry")
                                + ";DB_CLOSE_ON_EXIT=FALSE",
                        "-Dapicurio.datasource.jdbc.initial-size=2",
                        "-Dapicurio.datasource.jdbc.min-size=2",
                        "-Dapicurio.storage.snapshot.location=" + workDir,
                        "-Djava.io.tmpdir=" + workDir,
                        "-jar",
                        home.resolve("quarkus-run.jar").toString())
                .directory(workDir.toFile());
        // one log across restarts: requests() reads every request served since the first start
        process.start(builder, workDir.resolve("apicurio.log"), port, managementPort);
        this.port = port;
        // up, and it is our process that answered: its own access log shows the probe
        String probe = "/subjects?ready=" + UUID.randomUUID();
        process.awaitReady(
                port,
                STARTUP_TIMEOUT,
                Duration.ofMillis(50),
                pid -> probe(port, probe) == 200
                        && process.logLines().stream().anyMatch(line -> line.contains(CCOMPAT_PATH + probe)));
    }

    /** GET on the Confluent-compatible API as the launcher; the status, or -1 when nothing answers. */
    private int probe(int port, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + CCOMPAT_PATH + path))
                    .timeout(Duration.ofSeconds(1))
                    .header("User-Agent", LAUNCHER_AGENT)
                    .GET()
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * The unpacked application (the directory holding {@code quarkus-run.jar}): {@code -Dapicurio.home}, else {@code
     * target/apicurio-registry}; when that directory does not hold it yet, the archive is unpacked there from the local
     * Maven repository.
     */
    static Path home() {
        String explicit = System.getProperty("apicurio.home");
        Path home = explicit != null && !explicit.isBlank()
                ? Path.of(explicit).toAbsolutePath()
                : Path.of("target", "apicurio-registry").toAbsolutePath();
        if (Files.isRegularFile(home.resolve("quarkus-run.jar"))) {
            return home;
        }
        String repo = System.getProperty("maven.repo.local");
        Path archive = (repo != null && !repo.isBlank()
                        ? Path.of(repo)
                        : Path.of(System.getProperty("user.home"), ".m2", "repository"))
                .resolve(ARCHIVE);
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Apicurio Registry " + VERSION + " is not available: " + home
                    + " holds no quarkus-run.jar and " + archive + " does not exist. The module's pom resolves"
                    + " io.apicurio:apicurio-registry-app:" + VERSION + ":tar.gz:all from Maven Central and unpacks"
                    + " it (maven-dependency-plugin, see tracking-client's pom); run the tests with mvn verify");
        }
        unpack(archive, home);
        return home;
    }

    private static synchronized void unpack(Path archive, Path target) {
        Path partial = target.resolveSibling(
                target.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            ChildProcess.deleteRecursively(partial);
            Files.createDirectories(partial);
            Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", partial.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                tar.destroyForcibly();
                throw new IllegalStateException("cannot unpack " + archive + " with tar: " + output);
            }
            if (!Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
                ChildProcess.deleteRecursively(target);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + archive + " into " + target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while unpacking " + archive, e);
        } finally {
            ChildProcess.deleteRecursively(partial);
        }
    }

    private static String noJavaReason() {
        return "Apicurio Registry " + VERSION + " needs Java 21 or newer and none was found (tests run on Java "
                + Runtime.version().feature() + "; looked at -Dapicurio.java.home, JAVA_HOME and /usr/lib/jvm/*);"
                + " install one, e.g. `apt-get install temurin-25-jdk`";
    }

    private static boolean isJava21(Path home) {
        return Files.isExecutable(home.resolve("bin").resolve("java")) && featureVersion(home) >= 21;
    }

    /** The feature version in a JDK's {@code release} file ({@code JAVA_VERSION="25.0.3"} → 25), or 0. */
    static int featureVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String[] parts = version.split("[._+-]");
                    int first = Integer.parseInt(parts[0]);
                    return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not a JDK, or an unreadable release file
        }
        return 0;
    }
}
