package dev.tracking.bench.scenario;

import dev.tracking.bench.data.BenchTopics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Starts one kind of relay as its own process, reading {@code topics} as {@code group} and posting to {@code host}. */
public interface RelayLauncher {
    /** A short name for reports and logs ({@code tracking}, {@code sdk}, {@code sdk-batch-1000}). */
    String name();

    RunningRelay start(String group, BenchTopics topics, URI host, Path log) throws IOException;
}
