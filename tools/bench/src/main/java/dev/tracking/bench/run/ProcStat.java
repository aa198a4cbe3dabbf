package dev.tracking.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Reads a process's CPU time and memory from Linux's {@code /proc}. */
public final class ProcStat {
    /** Clock ticks per second of {@code /proc/<pid>/stat} ({@code getconf CLK_TCK}; 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStat() {}

    /** User plus system CPU seconds of {@code pid} so far, empty when it is gone. */
    public static OptionalDouble cpuSeconds(long pid) {
        try {
            return OptionalDouble.of(cpuSecondsOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * CPU seconds in the text of {@code /proc/<pid>/stat}: fields 14 and 15 (utime, stime), counted after the command
     * name, which is in parentheses and may itself hold spaces and parentheses.
     */
    static double cpuSecondsOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        // fields[0] is field 3 (state): utime is field 14, stime field 15
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** A {@code kB} value of {@code /proc/<pid>/status} ({@code VmRSS}, {@code VmHWM}), in bytes; empty when gone. */
    public static OptionalLong statusBytes(long pid, String key) {
        try {
            return statusBytesOf(
                    new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "status")), StandardCharsets.UTF_8),
                    key);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong statusBytesOf(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                String value = line.substring(key.length() + 1).trim();
                return OptionalLong.of(Long.parseLong(value.split("\\s+")[0]) * 1024);
            }
        }
        return OptionalLong.empty();
    }
}
