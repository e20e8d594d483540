package io.lrsweep.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScrapeTargetsTest {
    @TempDir
    Path home;

    @Test
    void aWorkerAnnouncesItsPortOnlyWhereALocalPrometheusWasSetUpAndWithdrawsItOnClose() throws Exception {
        ScrapeTargets targets = new ScrapeTargets(home);
        assertThat(targets.announce(9464)).as("no local Prometheus under this home").isEmpty();

        Files.createDirectories(home.resolve("prometheus"));
        AutoCloseable announced = targets.announce(40123).orElseThrow();
        Path file = targets.directory().resolve("worker-" + ProcessHandle.current().pid() + ".json");
        assertThat(file).content().isEqualToIgnoringWhitespace("[{\"targets\": [\"127.0.0.1:40123\"]}]");
        targets.pruneDead();
        assertThat(file).as("this process lives").exists();
        announced.close();
        assertThat(file).doesNotExist();
    }

    @Test
    void filesOfWorkersThatDiedWithoutCleaningUpArePruned() throws Exception {
        ScrapeTargets targets = new ScrapeTargets(home);
        Files.createDirectories(targets.directory());
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = targets.directory().resolve("worker-" + gone.pid() + ".json");
        Files.writeString(stale, "[{\"targets\": [\"127.0.0.1:1\"]}]");
        targets.pruneDead();
        assertThat(stale).doesNotExist();
    }
}
