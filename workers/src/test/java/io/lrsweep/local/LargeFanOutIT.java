package io.lrsweep.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.FaultSwitch;
import io.lrsweep.tasks.StudyProgress;
import io.lrsweep.tasks.WorkerHost;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The embedded default (the real server jar on SQLite, as {@code lrsweep demo} starts it) holds the
 * fan-out that failed with SQLITE_BUSY before: synthetic-paper with 10 seeds, 230 branches, here
 * with tiny stages so that the server's work dominates.
 */
class LargeFanOutIT {
    @Test
    void twoHundredThirtyBranchesOfTinyStagesCompleteOnTheEmbeddedSqliteServer() throws Exception {
        Path home = Files.createTempDirectory("lrsweep-fan-out");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LocalConductor server = new LocalConductor(home, port);
        assertThat(server.up(System.out)).isTrue();
        try (WorkerMetrics metrics = new WorkerMetrics(WorkerIdentity.of(null));
             ComputeContext context = ComputeContext.of("cpu", 2, home.resolve("datasets"));
             WorkerHost workers = new WorkerHost(server.api().apiUrl(), new FileSystemArtifactStore(home.resolve("store")),
                     context, null, new FaultSwitch(), metrics)) {
            ConductorApi api = server.api();
            api.registerDefinitions();
            workers.start();
            // 23 PLRs x 10 seeds; per branch a pre-training, 3 fine-tunings, 2 averages and an analysis,
            // each a few milliseconds of compute, so that the orchestration is what is tested.
            Map<String, Object> overrides = new LinkedHashMap<>();
            overrides.put("seeds", 10);
            overrides.put("trainSize", 64);
            overrides.put("pretrainIterations", 100);
            overrides.put("finetuneIterations", 20);
            overrides.put("checkpointEvery", 10);
            overrides.put("swaKs", List.of(2, 5));
            overrides.put("geometryK", 5);
            overrides.put("testSize", 100);
            overrides.put("singleFeatureSize", 50);
            String id = api.startStudy(Map.of("preset", "synthetic-paper", "overrides", overrides), Map.of());
            // The study's status alone (reading every branch each time would load the server).
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            while (api.workflowSummary(id).path("status").asText().equals("RUNNING") && System.nanoTime() < deadline) {
                Thread.sleep(2000);
            }
            StudyProgress p = StudyProgress.of(api, id);
            assertThat(p.status()).as(p.reason() + " " + p.failures()).isEqualTo("COMPLETED");
            assertThat(p.branches()).isEqualTo(230);
            assertThat(p.stages().get("analyze").completed()).isEqualTo(230);
            assertThat(Files.readAllLines(server.logFile()).stream().filter(l -> l.contains("SQLITE_BUSY")))
                    .as("the server never gave up on a locked database").isEmpty();
        } finally {
            server.down(System.out);
        }
    }
}
