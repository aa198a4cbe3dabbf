package dev.tracking.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void cpuIsUserPlusSystemTimeCountedAfterTheCommandName() {
        // a command name with a space and a parenthesis, as Linux allows
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 12345 0 0 0 1500 250 3 4 20 0 42 0 100 0 0";

        assertThat(ProcStat.cpuSecondsOf(stat)).isEqualTo(17.5);
    }

    @Test
    void statusValuesAreKilobytes() {
        String status = "Name:\tjava\nVmHWM:\t  524288 kB\nVmRSS:\t  262144 kB\nThreads:\t42\n";

        assertThat(ProcStat.statusBytesOf(status, "VmRSS")).hasValue(262144L * 1024);
        assertThat(ProcStat.statusBytesOf(status, "VmHWM")).hasValue(524288L * 1024);
        assertThat(ProcStat.statusBytesOf(status, "VmSwap")).isEmpty();
    }

    @Test
    void readsThisProcess() {
        assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/stat")), "Linux /proc");
        long pid = ProcessHandle.current().pid();

        assertThat(ProcStat.cpuSeconds(pid)).isPresent();
        assertThat(ProcStat.statusBytes(pid, "VmRSS")).isPresent();
        assertThat(ProcStat.cpuSeconds(-1)).isEmpty();
    }
}
