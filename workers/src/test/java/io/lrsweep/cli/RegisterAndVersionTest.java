package io.lrsweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code lrsweep --version} and the failure paths of {@code lrsweep register} (its success is in the Postgres IT). */
class RegisterAndVersionTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void versionAnswersTheMavenProjectVersion() {
        String expected = System.getProperty("lrsweep.project.version");
        assertThat(expected).as("surefire passes the project version").isNotBlank();
        assertThat(run("--version")).isZero();
        assertThat(out.toString().strip()).isEqualTo("lrsweep " + expected);
    }

    @Test
    void registerGivesUpWhenItsWaitRunsOutAndSaysWhatToDo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        int code = run("register", "--conductor", "http://127.0.0.1:" + port, "--wait", "3");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("was not ready within 3 s").containsPattern("\\d+ attempts")
                .contains("lrsweep register --conductor URL").doesNotContain("\tat ");
        assertThat(out.toString()).contains("not ready yet").contains("next try in 1 s");
        // Bounded, not timed: it gives up after its wait instead of trying for ever (loose for a loaded machine).
        assertThat(seconds).as("bounded by --wait").isBetween(1.0, 60.0);
    }

    @Test
    void registerRefusesANegativeWait() {
        assertThat(run("register", "--conductor", "http://127.0.0.1:1", "--wait", "-5")).isEqualTo(2);
        assertThat(err.toString()).contains("--wait -5: expected a number of seconds >= 0");
    }
}
