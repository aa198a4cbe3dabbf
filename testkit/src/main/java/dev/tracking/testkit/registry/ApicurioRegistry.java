package dev.tracking.testkit.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
    private final Path workDir;
    private final Path logFile;
    private final Thread shutdownHook;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private int port;
    private volatile Process process;

    /** One request the registry served, from its access log. */
    public record Request(String method, String path, int status) {
        @Override
        public String toString() {
            return method + " " + path + " " + status;
        }
    }

    private ApicurioRegistry(Path java, Path home) throws IOException {
        this.java = java;
        this.home = home;
        this.workDir = Files.createTempDirectory("apicurio-test-");
        this.logFile = workDir.resolve("apicurio.log");
        this.shutdownHook = new Thread(this::killOnExit, "apicurio-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
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
        ApicurioRegistry registry;
        try {
            registry = new ApicurioRegistry(javaHome.resolve("bin").resolve("java"), home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory for Apicurio Registry", e);
        }
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    registry.launch(freePort(), freePort());
                    return registry;
                } catch (PortTakenException e) {
                    if (attempt == START_ATTEMPTS) {
                        throw new IllegalStateException(
                                "no free port for Apicurio Registry after " + attempt + " attempts", e);
                    }
                }
            }
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
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
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Whether the Confluent-compatible API answers 200 within a second. */
    public boolean answers() {
        return probe("/subjects") == 200;
    }

    /**
     * Every request the registry served since it was first started (across restarts), oldest first, except the
     * launcher's own probes. Waits until the access log has caught up with the moment of the call.
     */
    public List<Request> requests() {
        String sentinel = "/subjects?sentinel=" + UUID.randomUUID();
        if (probe(sentinel) != 200) {
            throw new IllegalStateException(
                    "Apicurio Registry on port " + port() + " does not answer; cannot sync its" + " access log");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<String> lines = logLines();
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
            pause(20);
        }
    }

    /** Stops the process gracefully (SIGTERM; SIGKILL after 15 s) and waits for it to exit. No-op when stopped. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        awaitExit();
    }

    /** Kills the process at once (SIGKILL), like a crash, and waits for it to exit. No-op when stopped. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit();
    }

    /**
     * Starts a fresh process on the same port, with the same storage (stopping the current one first, if running), and
     * waits until it answers.
     *
     * @throws IllegalStateException when something else now listens on the port, or the registry does not come up
     */
    public synchronized void restartOnSamePort() {
        stop();
        try {
            launch(port, freePort());
        } catch (PortTakenException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Stops the process and deletes its work directory (storage and log). */
    @Override
    public synchronized void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook kills the process anyway
        }
        deleteRecursively(workDir);
    }

    @Override
    public String toString() {
        return "ApicurioRegistry[" + ccompatUrl() + (isRunning() ? ", pid " + process.pid() : ", stopped") + "]";
    }

    private void launch(int port, int managementPort) {
        if (isListening(port) || isListening(managementPort)) {
            throw new PortTakenException("port " + port + " or " + managementPort
                    + " is already in use by a process ApicurioRegistry did not start; it will not touch it");
        }
        this.port = port;
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
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + java, e);
        }
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String probe = "/subjects?ready=" + UUID.randomUUID();
        while (true) {
            if (!process.isAlive()) {
                String log = tail();
                process = null;
                if (log.contains("already in use") || log.contains("Port already bound")) {
                    throw new PortTakenException("Apicurio Registry could not bind port " + port + ": " + log);
                }
                throw new IllegalStateException(
                        "Apicurio Registry exited while starting on port " + port + "; its log:\n" + log);
            }
            // up, and it is our process that answered: its own access log shows the probe
            if (probe(probe) == 200 && logLines().stream().anyMatch(line -> line.contains(CCOMPAT_PATH + probe))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                String log = tail();
                killQuietly();
                throw new IllegalStateException("Apicurio Registry did not answer on port " + port + " within "
                        + STARTUP_TIMEOUT.toSeconds() + " s; its log:\n" + log);
            }
            pause(50);
        }
    }

    /** GET on the Confluent-compatible API as the launcher; the status, or -1 when nothing answers. */
    private int probe(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + CCOMPAT_PATH + path))
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

    private void awaitExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    private synchronized void killQuietly() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process = null;
    }

    /** Shutdown hook: no lock, so it cannot wait on a thread the JVM will never resume. */
    private void killOnExit() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    private List<String> logLines() {
        try {
            return Files.readAllLines(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    private String tail() {
        List<String> lines = logLines();
        return lines.isEmpty()
                ? "(empty log " + logFile + ")"
                : String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
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
            deleteRecursively(partial);
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
                deleteRecursively(target);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + archive + " into " + target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while unpacking " + archive, e);
        } finally {
            deleteRecursively(partial);
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

    private static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: it is a temporary directory
        }
    }

    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
