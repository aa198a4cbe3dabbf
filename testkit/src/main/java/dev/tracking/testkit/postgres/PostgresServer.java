package dev.tracking.testkit.postgres;

import dev.tracking.testkit.process.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server process started for a test: a fresh cluster ({@code initdb}, trust authentication, user {@code
 * postgres}) in a temporary directory, bound to 127.0.0.1 on a free port, without durability (it is thrown away).
 *
 * <p>The binaries are Debian's ({@code apt-get install postgresql}; {@code make test} installs them when missing and
 * root): the newest {@code /usr/lib/postgresql/<version>/bin}, or {@code initdb}/{@code postgres} on the PATH.
 * PostgreSQL refuses to run as root, so as root both run as the {@code postgres} user (created by the package) through
 * {@code setpriv}, which execs in place: the process this launcher started is the postmaster itself, and {@link
 * #stop()} and {@link #kill()} act on that PID only. It counts the server as up when the postmaster's own log says it
 * accepts connections and the port answers.
 */
public final class PostgresServer implements AutoCloseable {
    private static final String INSTALL_HINT =
            "install it with `apt-get install postgresql` (`make test` does this when run as root)";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;
    private static final String SERVICE_USER = "postgres";

    private final Path bin;
    private final ChildProcess process;
    private final Path dataDir;
    private int port;

    private PostgresServer(Path bin) {
        this.bin = bin;
        this.process = new ChildProcess(PostgresServer.class, "postgres", STOP_TIMEOUT);
        this.dataDir = process.workDir().resolve("data");
    }

    /**
     * The directory holding {@code initdb} and {@code postgres}: the newest {@code /usr/lib/postgresql/<n>/bin}, else
     * one on the PATH.
     */
    public static Optional<Path> binaries() {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(PostgresServer::hasBinaries)
                        .max(Comparator.comparing(PostgresServer::majorVersion));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                // fall back to the PATH
            }
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(Path::of)
                .filter(PostgresServer::hasBinaries)
                .findFirst();
    }

    /**
     * Creates a cluster and starts a server on a free port, waiting until it accepts connections.
     *
     * @throws IllegalStateException when PostgreSQL is not installed, or does not come up (with the tail of its log)
     */
    public static PostgresServer start() {
        Path bin =
                binaries().orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed; " + INSTALL_HINT));
        PostgresServer server = new PostgresServer(bin);
        try {
            server.initdb();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        server.process.launchOnFreePorts(START_ATTEMPTS, () -> server.launch(ChildProcess.freePort()));
        return server;
    }

    /**
     * Like {@link #start()}, but when PostgreSQL is not installed (or, as root, there is no {@code postgres} user to
     * run it as) prints the reason on stderr and aborts the calling test: reported as skipped, not failed.
     */
    public static PostgresServer startOrSkip() {
        String reason = null;
        if (binaries().isEmpty()) {
            reason = "PostgreSQL is not installed, skipping this test; " + INSTALL_HINT;
        } else if (isRoot() && serviceUser().isEmpty()) {
            reason = "running as root and there is no '" + SERVICE_USER
                    + "' user to run PostgreSQL as (PostgreSQL refuses root), skipping this test; " + INSTALL_HINT;
        }
        if (reason != null) {
            System.err.println(reason);
            return Assumptions.abort(reason);
        }
        return start();
    }

    /** The port on 127.0.0.1. */
    public synchronized int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}; user {@link #user()}, no password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
    }

    /** The superuser, {@code postgres}, with trust authentication on 127.0.0.1. */
    public String user() {
        return SERVICE_USER;
    }

    /** Whether the postmaster it started is alive. */
    public boolean isRunning() {
        return process.isRunning();
    }

    /** Stops the postmaster (SIGTERM; SIGKILL after 10 s) and waits for it to exit. No-op when stopped. */
    public synchronized void stop() {
        process.stop();
    }

    /** Kills the postmaster at once (SIGKILL), like a crash. No-op when stopped. */
    public synchronized void kill() {
        process.kill();
    }

    /** Stops the server and deletes its cluster. */
    @Override
    public synchronized void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "PostgresServer[127.0.0.1:" + port + ", " + process + "]";
    }

    private void initdb() {
        Path workDir = process.workDir();
        handToServiceUser(workDir);
        List<String> command = asServiceUser(List.of(
                bin.resolve("initdb").toString(),
                "--pgdata=" + dataDir,
                "--username=" + SERVICE_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync"));
        Path log = workDir.resolve("initdb.log");
        try {
            Process initdb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!initdb.waitFor(60, TimeUnit.SECONDS)) {
                initdb.destroyForcibly();
                throw new IllegalStateException("initdb did not finish within 60 s; its log:\n" + read(log));
            }
            if (initdb.exitValue() != 0) {
                throw new IllegalStateException(
                        "initdb failed with exit status " + initdb.exitValue() + "; its log:\n" + read(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running initdb", e);
        }
    }

    private void launch(int port) {
        Path workDir = process.workDir();
        List<String> command = asServiceUser(List.of(
                bin.resolve("postgres").toString(),
                "-D",
                dataDir.toString(),
                "-p",
                Integer.toString(port),
                "-h",
                "127.0.0.1",
                "-k",
                workDir.toString(),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=100",
                "-c",
                "logging_collector=off"));
        Path log = workDir.resolve("postgres-" + port + ".log");
        process.start(new ProcessBuilder(command), log, port);
        this.port = port;
        process.awaitReady(port, STARTUP_TIMEOUT, Duration.ofMillis(50), pid -> {
            // the log is our postmaster's own output; the port check guards against reading it too early
            boolean ready = process.logLines().stream().anyMatch(line -> line.contains("ready to accept connections"));
            if (!ready) {
                return false;
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
                return true;
            }
        });
    }

    /** As root, the command run as the {@code postgres} user by {@code setpriv}, which execs (same PID). */
    private static List<String> asServiceUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of(
                "setpriv", "--reuid=" + SERVICE_USER, "--regid=" + SERVICE_USER, "--init-groups", "--reset-env", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void handToServiceUser(Path dir) {
        if (!isRoot()) {
            return;
        }
        UserPrincipal user = serviceUser()
                .orElseThrow(() -> new IllegalStateException("running as root and there is no '" + SERVICE_USER
                        + "' user to run PostgreSQL as; " + INSTALL_HINT));
        try {
            Files.setOwner(dir, user);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + dir + " to " + SERVICE_USER, e);
        }
    }

    private static Optional<UserPrincipal> serviceUser() {
        try {
            return Optional.of(
                    Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVICE_USER));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean hasBinaries(Path dir) {
        return Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("postgres"));
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
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
