package dev.tracking.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The server process a test launcher ({@code RedisServer}, {@code ApicurioRegistry}) runs on 127.0.0.1, and the work
 * directory it runs in.
 *
 * <p>It only ever stops or kills the process it started: {@link #start} refuses a port something else listens on, and
 * {@link #awaitReady} lets the launcher check that the process answering is its own. The process's output is appended
 * to a log file whose tail goes into every startup failure. A JVM shutdown hook kills the process if a test forgets
 * {@link #close()}, which stops it and deletes the work directory.
 */
public final class ChildProcess implements AutoCloseable {
    private static final int TAIL_LINES = 30;

    private final String launcher;
    private final String name;
    private final Duration stopTimeout;
    private final Path workDir;
    private final Thread shutdownHook;
    private Path logFile;
    private volatile Process process;

    /** Whether the process answers; an {@link IOException} means not yet, any other exception that it never will. */
    @FunctionalInterface
    public interface ReadyCheck {
        boolean isReady(long pid) throws IOException;
    }

    /** Something else listens on a port the launcher wanted. */
    public static final class PortTakenException extends IllegalStateException {
        PortTakenException(String message) {
            super(message);
        }
    }

    /**
     * Creates the work directory and registers the shutdown hook; nothing runs yet.
     *
     * @param launcher the launcher, named in the refusal to touch a port it did not take
     * @param name the program, named in the messages about its process (e.g. {@code redis-server})
     * @param stopTimeout how long {@link #stop()} waits before killing, and {@link #kill()} waits for the exit
     */
    public ChildProcess(Class<?> launcher, String name, Duration stopTimeout) {
        this.launcher = launcher.getSimpleName();
        this.name = name;
        this.stopTimeout = stopTimeout;
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        try {
            this.workDir = Files.createTempDirectory(slug + "-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory for " + name, e);
        }
        this.logFile = workDir.resolve(slug + ".log");
        this.shutdownHook = new Thread(this::killOnExit, slug + "-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A port on 127.0.0.1 that nothing listened on a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    /** Deletes a directory and everything in it, as far as it can: it is a temporary directory. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: it is a temporary directory
        }
    }

    /** The temporary directory the process runs in, deleted by {@link #close()}. */
    public Path workDir() {
        return workDir;
    }

    /**
     * Runs {@code launch}, which picks free ports and {@link #start starts} the process on them, again while something
     * else takes one of the ports first, at most {@code attempts} times. When that fails, closes this.
     */
    public void launchOnFreePorts(int attempts, Runnable launch) {
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    launch.run();
                    return;
                } catch (PortTakenException e) {
                    if (attempt == attempts) {
                        throw new IllegalStateException(
                                "no free port for " + name + " after " + attempt + " attempts", e);
                    }
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts the process, its output and errors appended to {@code logFile}, unless something already listens on one of
     * the ports.
     *
     * @throws PortTakenException when a port is taken (nothing is started)
     */
    public synchronized void start(ProcessBuilder builder, Path logFile, int... ports) {
        for (int port : ports) {
            if (isListening(port)) {
                throw new PortTakenException("port " + port + " is already in use by a process " + launcher
                        + " did not start; it will not touch it");
            }
        }
        this.logFile = logFile;
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + builder.command().get(0), e);
        }
    }

    /**
     * Polls {@code check} until it answers true. Kills the process when the check throws anything but an {@link
     * IOException}, or when it is not ready in time.
     *
     * @throws PortTakenException when the process exited because its port was taken
     * @throws IllegalStateException when the process exited, the check threw, or time ran out (with the log's tail)
     */
    public synchronized void awaitReady(int port, Duration timeout, Duration poll, ReadyCheck check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                String log = tail();
                process = null;
                if (log.contains("already in use") || log.contains("Port already bound")) {
                    throw new PortTakenException(name + " could not bind port " + port + ": " + log);
                }
                throw new IllegalStateException(name + " exited while starting on port " + port + "; its log:\n" + log);
            }
            try {
                if (check.isReady(process.pid())) {
                    return;
                }
            } catch (IOException e) {
                // not answering yet
            } catch (RuntimeException e) {
                kill();
                throw e;
            }
            if (System.nanoTime() > deadline) {
                String log = tail();
                kill();
                throw new IllegalStateException(name + " did not answer on port " + port + " within "
                        + timeout.toSeconds() + " s; its log:\n" + log);
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
    }

    /** Whether the process it started is alive. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the process gracefully (SIGTERM; SIGKILL after the stop timeout) and waits for it to exit. */
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

    /** The lines of the current log file; none when it cannot be read. */
    public List<String> logLines() {
        try {
            return Files.readAllLines(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Stops the process and deletes the work directory. */
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

    /** {@code pid <n>}, or {@code stopped}. */
    @Override
    public synchronized String toString() {
        return isRunning() ? "pid " + process.pid() : "stopped";
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
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

    private String tail() {
        List<String> lines = logLines();
        return lines.isEmpty()
                ? "(empty log " + logFile + ")"
                : String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }

    private static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
