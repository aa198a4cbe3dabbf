package dev.tracking.client.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Stdout and stderr for a command run inside the test's JVM, and what the command printed on each. */
final class Console {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /** The command's stdout. */
    PrintStream out() {
        return out;
    }

    /** The command's stderr. */
    PrintStream err() {
        return err;
    }

    /** All the command printed on stdout so far. */
    String printedOut() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    /** All the command printed on stderr so far. */
    String printedErr() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }
}
