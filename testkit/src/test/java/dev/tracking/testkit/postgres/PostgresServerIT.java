package dev.tracking.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class PostgresServerIT {

    @Test
    void startsAFreshClusterThatAnswersQueriesOnLoopbackAndStops() throws Exception {
        try (PostgresServer postgres = PostgresServer.startOrSkip()) {
            assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres");
            assertThat(psql(postgres, "SELECT 40 + 2")).isEqualTo("42");

            postgres.stop();

            assertThat(postgres.isRunning()).isFalse();
            assertThat(listens(postgres.port())).isFalse();
        }
    }

    @Test
    void twoServersGetDifferentPortsAndSeparateClusters() throws Exception {
        try (PostgresServer first = PostgresServer.startOrSkip();
                PostgresServer second = PostgresServer.startOrSkip()) {
            assertThat(first.port()).isNotEqualTo(second.port());
            psql(first, "CREATE TABLE only_in_first (id int)");
            assertThat(psql(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'"))
                    .isEqualTo("0");
        }
    }

    /** Runs one statement with Debian's psql and returns its unaligned, tuples-only output. */
    private static String psql(PostgresServer postgres, String sql) throws IOException, InterruptedException {
        String psql = PostgresServer.binaries().orElseThrow().resolve("psql").toString();
        Process process = new ProcessBuilder(
                        psql,
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(postgres.port()),
                        "-U",
                        postgres.user(),
                        "-d",
                        "postgres",
                        "-X",
                        "-A",
                        "-t",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-c",
                        sql)
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("psql finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue())
                .as("psql exit status, output: %s", output)
                .isZero();
        return output;
    }

    private static boolean listens(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
