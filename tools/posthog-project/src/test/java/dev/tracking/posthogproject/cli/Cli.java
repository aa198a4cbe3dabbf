package dev.tracking.posthogproject.cli;

import dev.tracking.posthogproject.api.Sleeper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the command line in process with a given environment, capturing its output and the waits it asked for. */
final class Cli {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC);

    private final Map<String, String> env;
    final List<Duration> waits = new ArrayList<>();

    Cli(Map<String, String> env) {
        this.env = env;
    }

    record Result(int code, String out, String err) {}

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Sleeper recording = waits::add;
        int code = PostHogProjectCli.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                recording,
                CLOCK);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
