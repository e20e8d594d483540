package io.lrsweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The signal handling of a stopping worker, in a real process sent real signals: a second SIGTERM
 * exits at once, and so does the end of the grace period, however long the drain would take.
 */
class ShutdownSignalsIT {
    private static final long WATCHDOG_SECONDS = 120;

    /** A process that installs the handling and then "drains" forever. */
    public static void main(String[] args) throws Exception {
        ShutdownSignals signals = new ShutdownSignals(Duration.ofSeconds(Long.parseLong(args[0])), System.out)
                .install();
        System.out.println("ready");
        signals.awaitFirst();
        System.out.println("draining");
        Thread.sleep(Long.MAX_VALUE);
    }

    private static Process start(long graceSeconds) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ShutdownSignalsIT.class.getName(), Long.toString(graceSeconds)).redirectErrorStream(true).start();
        // A process that never reacts (one started with SIGINT ignored, as children of a shell's
        // background job are) would block the reads below for ever: killed after two minutes, it
        // ends them, and the test fails saying which line never came.
        CompletableFuture.delayedExecutor(WATCHDOG_SECONDS, TimeUnit.SECONDS).execute(p::destroyForcibly);
        return p;
    }

    private static void awaitLine(BufferedReader out, String line) throws Exception {
        String l;
        while ((l = out.readLine()) != null) {
            if (l.equals(line)) {
                return;
            }
        }
        throw new AssertionError("the process ended (or was killed after " + WATCHDOG_SECONDS + " s) before printing "
                + line + "; a process that inherited SIGINT as ignored never sees the test's SIGINT");
    }

    private static void signal(Process p, String name) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor()).isZero();
    }

    @Test
    void aSecondSigtermExitsAtOnceInsteadOfWaitingOutTheGrace() throws Exception {
        Process p = start(600);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            awaitLine(out, "ready");
            signal(p, "TERM");
            awaitLine(out, "draining");
            signal(p, "TERM");
            // Well inside the 600 s grace period: it did not wait for it.
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after the second SIGTERM").isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
            assertThat(out.lines().toList()).anyMatch(l -> l.contains("SIGTERM again: exiting at once"));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theEndOfTheGracePeriodExitsWhateverIsStillRunning() throws Exception {
        Process p = start(2);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            awaitLine(out, "ready");
            signal(p, "INT");
            awaitLine(out, "draining");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited when the grace period ended").isTrue();
            assertThat(p.exitValue()).isEqualTo(130);
            List<String> rest = out.lines().toList();
            assertThat(rest).anyMatch(l -> l.contains("grace period of 2 s is over"));
        } finally {
            p.destroyForcibly();
        }
    }
}
