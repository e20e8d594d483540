package io.lrsweep.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.tasks.StudyCompletion;
import io.lrsweep.tasks.StudyProgress;
import io.lrsweep.tasks.TaskType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Conductor server restarted while a study runs, with real worker processes: the workers keep
 * the results of stages that finish while it is down and deliver them when it is back.
 */
class ConductorRestartIT {
    /**
     * The server's persistence. Only the embedded default here; the cluster issue adds Postgres
     * ({@code lrsweep local up --db postgres}): add it as a constant whose lab starts that server.
     */
    enum Backend {
        SQLITE
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aStudyOutlivesARestartOfTheServerAndNoFinishedStageIsLost(Backend backend) throws Exception {
        try (FaultLab lab = new FaultLab("restart-" + backend.name().toLowerCase(java.util.Locale.ROOT))) {
            FileSystemArtifactStore store = new FileSystemArtifactStore(lab.home.resolve("store"));
            // Two slots: both pre-trainings run, and finish while the server is down.
            WorkerProcess worker = lab.worker("restart", store.root().toString(), "restart", 2, Map.of());
            String id = lab.api.startStudy(FaultStudy.input(null), Map.of("*", "restart"));
            FaultLab.awaitPretrainCheckpoint(store, id, Duration.ofMinutes(2));
            long downAt = System.currentTimeMillis();
            // SIGKILL, as a crash or a node loss: no time for the server to finish anything.
            lab.killServer();
            // The outage must outlast a stage's end, so that a finished result waits for the server: one
            // that restarts in 4 s from its class cache would otherwise be back before a pre-training ends.
            worker.awaitLog("Conductor did not take the result of task", Duration.ofMinutes(2));
            assertThat(lab.conductor.up(System.out)).isTrue();
            long upAt = System.currentTimeMillis();
            StudyProgress p = StudyCompletion.await(lab.api, id, Duration.ofMinutes(6));
            long doneAt = System.currentTimeMillis();
            assertThat(p.status()).as(p.reason() + " " + p.failures()).isEqualTo("COMPLETED");
            int retried = 0;
            for (double plr : FaultStudy.PLRS) {
                List<JsonNode> attempts = ServerTasks.attempts(lab.api, id, TaskType.PRETRAIN, plr);
                retried += attempts.size() - 1;
                assertThat(ServerTasks.outcome(attempts.get(attempts.size() - 1), TaskType.PRETRAIN))
                        .as("a retried pre-training finds the finished one's manifest").isIn("completed", "cached");
            }
            boolean delivered = worker.logText().contains("delivered after");
            assertThat(delivered || retried > 0).as("results kept through the outage, or found cached").isTrue();
            lab.figure("Conductor (%s) restart mid-study: server down %.1f s; study completed %.1f s after it was back;"
                            + " results delivered after the outage: %s; pre-training attempts retried: %d", backend,
                    (upAt - downAt) / 1000.0, (doneAt - upAt) / 1000.0, delivered, retried);
            StudyChecks.sameResultsAsACleanRun(store, id);
            StudyChecks.everyManifestVerifies(store, id);
        }
    }
}
