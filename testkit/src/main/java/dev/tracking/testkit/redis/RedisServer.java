package dev.tracking.testkit.redis;

import dev.tracking.testkit.process.ChildProcess;
import dev.tracking.testkit.tls.TestCertificate;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@code redis-server} process started for a test, bound to 127.0.0.1 on a free port, without persistence.
 *
 * <p>It only ever talks to, stops or kills the process it started: before launching it checks that nothing listens on
 * the port, and it counts the server as up only when {@code INFO server} reports the process id of its own child.
 * {@link #stop()} then {@link #restartOnSamePort()} simulates "Redis down mid-stream, then back" (the data is gone, as
 * after a restart without persistence). A JVM shutdown hook kills the process if a test forgets {@link #close()}.
 *
 * <p>{@link #start(Security)} starts it secured: a password for the default user ({@code requirepass}), an ACL user of
 * its own, TLS on its port (no plain port then; clients need not present a certificate), or any of them together. The
 * launcher's own commands (its readiness check, {@link #ping()}) authenticate and speak TLS as clients must.
 */
public final class RedisServer implements AutoCloseable {
    private static final String INSTALL_HINT =
            "install it with `apt-get install redis-server`" + " (`make test` does this when run as root)";
    private static final List<Path> EXTRA_DIRS =
            List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"), Path.of("/usr/local/bin"));
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;

    private final Path executable;
    private final boolean clusterNode;
    private final Security security;
    private final ChildProcess process;
    private int port;
    private int busPort;

    /**
     * How a server authenticates its clients and whether it speaks TLS.
     *
     * @param password password of the default user ({@code requirepass}); null for none
     * @param user name of an ACL user allowed every command on every key; null for none
     * @param userPassword that user's password
     * @param tls certificate of a server that speaks TLS only; null for plain TCP
     */
    public record Security(String password, String user, String userPassword, TestCertificate tls) {
        /** No password, no TLS: anyone on loopback may connect. */
        public static Security none() {
            return new Security(null, null, null, null);
        }

        /** The default user needs {@code password} ({@code AUTH <password>}, {@code redis://:password@host}). */
        public Security requirePass(String password) {
            return new Security(password, user, userPassword, tls);
        }

        /** An ACL user {@code name} with {@code password} ({@code redis://name:password@host}). */
        public Security user(String name, String password) {
            return new Security(this.password, name, password, tls);
        }

        /** TLS on the server's port, with this certificate ({@code rediss://}). */
        public Security tls(TestCertificate certificate) {
            return new Security(password, user, userPassword, certificate);
        }
    }

    private RedisServer(Path executable, boolean clusterNode, Security security) {
        this.executable = executable;
        this.clusterNode = clusterNode;
        this.security = security;
        this.process = new ChildProcess(RedisServer.class, "redis-server", STOP_TIMEOUT);
    }

    /** The {@code redis-server} executable found on the PATH or in /usr/bin, /usr/sbin, /usr/local/bin. */
    public static Optional<Path> executable() {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isBlank()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        dirs.addAll(EXTRA_DIRS);
        return dirs.stream()
                .map(dir -> dir.resolve("redis-server"))
                .filter(Files::isRegularFile)
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Starts a server on a free port and waits until it answers.
     *
     * @throws IllegalStateException when {@code redis-server} is not installed or does not come up (the message holds
     *     the tail of its log)
     */
    public static RedisServer start() {
        return start(Security.none());
    }

    /**
     * Starts a server that authenticates its clients, or speaks TLS, or both, on a free port, and waits until it
     * answers.
     *
     * @throws IllegalStateException when {@code redis-server} is not installed or does not come up (the message holds
     *     the tail of its log), or cannot speak TLS
     */
    public static RedisServer start(Security security) {
        Path executable = executable()
                .orElseThrow(() -> new IllegalStateException("redis-server is not installed; " + INSTALL_HINT));
        RedisServer server = new RedisServer(executable, false, security);
        server.process.launchOnFreePorts(START_ATTEMPTS, () -> server.launch(ChildProcess.freePort(), 0));
        return server;
    }

    /**
     * Starts a server with {@code cluster-enabled yes} on a free port, its cluster bus on another free port, and waits
     * until it answers; {@link RedisCluster} joins such nodes into a cluster.
     */
    static RedisServer startClusterNode(Security security) {
        Path executable = executable()
                .orElseThrow(() -> new IllegalStateException("redis-server is not installed; " + INSTALL_HINT));
        RedisServer server = new RedisServer(executable, true, security);
        server.process.launchOnFreePorts(
                START_ATTEMPTS, () -> server.launch(ChildProcess.freePort(), ChildProcess.freePort()));
        return server;
    }

    /**
     * Like {@link #start()}, but when {@code redis-server} is not installed prints the reason on stderr and aborts the
     * calling test (JUnit's {@link Assumptions#abort(String)}: reported as skipped, not failed).
     */
    public static RedisServer startOrSkip() {
        return startOrSkip(Security.none());
    }

    /**
     * Like {@link #start(Security)}, but skips the calling test (reason printed on stderr) when {@code redis-server} is
     * not installed, or when TLS is asked for and this {@code redis-server} was built without it.
     */
    public static RedisServer startOrSkip(Security security) {
        if (executable().isEmpty()) {
            String reason = "redis-server is not installed, skipping this test; " + INSTALL_HINT;
            System.err.println(reason);
            return Assumptions.abort(reason);
        }
        if (security.tls() == null) {
            return start(security);
        }
        try {
            return start(security);
        } catch (IllegalStateException e) {
            // a redis-server built without TLS (BUILD_TLS=no) refuses to start with a tls-port
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("tls")) {
                String reason = "this redis-server (" + executable().get() + ") cannot serve TLS, skipping this test:"
                        + " it needs one built with TLS (Debian's redis-server 6 and newer is); " + e.getMessage();
                System.err.println(reason);
                return Assumptions.abort(reason);
            }
            throw e;
        }
    }

    /** The port, stable across {@link #restartOnSamePort()}. */
    public synchronized int port() {
        return port;
    }

    /** The cluster bus port of a cluster node; 0 for a standalone server. */
    public synchronized int busPort() {
        return busPort;
    }

    /** {@code redis://127.0.0.1:<port>} ({@code rediss://} with TLS), without credentials. */
    public URI uri() {
        return URI.create((security.tls() == null ? "redis" : "rediss") + "://127.0.0.1:" + port());
    }

    /** {@link #uri()} with a user (empty for the default user) and password: {@code redis://user:password@host:port}. */
    public URI uri(String user, String password) {
        return URI.create(
                (security.tls() == null ? "redis" : "rediss") + "://" + user + ":" + password + "@127.0.0.1:" + port());
    }

    /** How this server authenticates clients, and its TLS certificate if any. */
    public Security security() {
        return security;
    }

    /** Whether the process it started is alive. */
    public boolean isRunning() {
        return process.isRunning();
    }

    /** Whether the server answers {@code PING} with {@code PONG} within a second. */
    public boolean ping() {
        try {
            return "PONG".equals(command(Duration.ofSeconds(1), "PING"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the process gracefully (SIGTERM; SIGKILL after 10 s) and waits for it to exit. No-op when stopped. */
    public synchronized void stop() {
        process.stop();
    }

    /** Kills the process at once (SIGKILL), like a crash, and waits for it to exit. No-op when stopped. */
    public synchronized void kill() {
        process.kill();
    }

    /**
     * Starts a fresh process on the same port (stopping the current one first, if running) and waits until it answers.
     *
     * @throws IllegalStateException when something else now listens on the port, or the server does not come up
     */
    public synchronized void restartOnSamePort() {
        stop();
        launch(port, busPort);
    }

    /** Stops the process and deletes its work directory. */
    @Override
    public synchronized void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + ", " + process + "]";
    }

    private void launch(int port, int busPort) {
        Path workDir = process.workDir();
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        if (security.tls() == null) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            TestCertificate tls = security.tls();
            command.addAll(List.of(
                    "--port",
                    "0",
                    "--tls-port",
                    Integer.toString(port),
                    "--tls-cert-file",
                    tls.certificatePem().toString(),
                    "--tls-key-file",
                    tls.privateKeyPem().toString(),
                    "--tls-ca-cert-file",
                    tls.certificatePem().toString(),
                    "--tls-auth-clients",
                    "no"));
        }
        if (security.password() != null) {
            command.addAll(List.of("--requirepass", security.password()));
        }
        if (security.user() != null) {
            command.addAll(
                    List.of("--user", security.user(), "on", ">" + security.userPassword(), "~*", "&*", "+@all"));
        }
        command.addAll(List.of(
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                workDir.toString(),
                "--loglevel",
                "warning",
                "--logfile",
                ""));
        if (clusterNode) {
            command.addAll(List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-port",
                    Integer.toString(busPort),
                    "--cluster-config-file",
                    "nodes-" + port + ".conf",
                    "--cluster-node-timeout",
                    "2000"));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        if (clusterNode) {
            process.start(builder, workDir.resolve("redis-" + port + ".log"), port, busPort);
        } else {
            process.start(builder, workDir.resolve("redis-" + port + ".log"), port);
        }
        this.port = port;
        this.busPort = busPort;
        // up, and it is our process that answers: INFO reports its process id
        process.awaitReady(port, STARTUP_TIMEOUT, Duration.ofMillis(20), pid -> {
            String expectedPid = "process_id:" + pid;
            String info = command(port, security, Duration.ofMillis(500), "INFO", "server");
            if (info.lines().noneMatch(line -> line.strip().equals(expectedPid))) {
                throw new IllegalStateException("another Redis answers on port " + port + " (its INFO has no "
                        + expectedPid + "); stopped the one this test started");
            }
            return "PONG".equals(command(port, security, Duration.ofMillis(500), "PING"));
        });
    }

    /**
     * Sends one command as a client of this server must (TLS, {@code AUTH} first when it has a password or a user) and
     * returns a simple-string, integer or bulk-string reply.
     *
     * @throws IOException when it cannot talk to the server, or the server answers with an error (in the message)
     */
    public String command(Duration timeout, String... args) throws IOException {
        return command(port(), security, timeout, args);
    }

    /**
     * Sends one command in RESP to an unsecured server and returns a simple-string, integer or bulk-string reply.
     *
     * @throws IOException when it cannot talk to the server, or the server answers with an error (in the message)
     */
    static String command(int port, Duration timeout, String... args) throws IOException {
        return command(port, Security.none(), timeout, args);
    }

    private static String command(int port, Security security, Duration timeout, String... args) throws IOException {
        try (Socket socket = security.tls() == null
                ? new Socket()
                : tlsContext(security.tls()).getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            if (security.user() != null) {
                exchange(out, in, "AUTH", security.user(), security.userPassword());
            } else if (security.password() != null) {
                exchange(out, in, "AUTH", security.password());
            }
            return exchange(out, in, args);
        }
    }

    /** A TLS context trusting only the test certificate; host names are checked as a client would. */
    private static SSLContext tlsContext(TestCertificate certificate) throws IOException {
        try (InputStream in = Files.newInputStream(certificate.trustStore())) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(in, certificate.password().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the trust store " + certificate.trustStore(), e);
        }
    }

    private static String exchange(OutputStream out, InputStream in, String... args) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(request.toByteArray());
        out.flush();
        String line = readLine(in);
        if (line.startsWith("+")) {
            return line.substring(1);
        }
        if (line.startsWith("$")) {
            int length = Integer.parseInt(line.substring(1));
            if (length < 0) {
                return null;
            }
            byte[] body = in.readNBytes(length + 2);
            return new String(body, 0, length, StandardCharsets.UTF_8);
        }
        if (line.startsWith(":")) {
            return line.substring(1);
        }
        if (line.startsWith("-")) {
            throw new IOException("Redis answered " + args[0] + " with " + line.substring(1));
        }
        throw new IOException("unexpected Redis reply: " + line);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\r') {
                in.read(); // '\n'
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new IOException("connection closed before a reply");
    }
}
