package dev.tracking.consumer.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * Dry-run mode (no API key): instead of sending, appends each request body, uncompressed, as one JSON line to a file
 * and answers 200. Each line is exactly the JSON that would have been POSTed (with the empty {@code api_key}).
 */
public final class DryRunTransport implements PostHogTransport, AutoCloseable {
    private final Path file;
    private final OutputStream out;

    public DryRunTransport(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        this.file = absolute;
        this.out = Files.newOutputStream(absolute, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public synchronized CompletableFuture<Response> send(BatchBody body) {
        try {
            if (body.gzip()) {
                throw new IllegalStateException("dry-run bodies are written uncompressed; configure gzip level 0");
            }
            out.write(body.bytes());
            out.write('\n');
            out.flush();
            return CompletableFuture.completedFuture(new Response(200, null, "{\"status\":\"Ok\"}"));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public String destination() {
        return file.toString();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
