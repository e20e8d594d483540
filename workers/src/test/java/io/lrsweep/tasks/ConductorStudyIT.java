package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.TinyStudy;
import io.lrsweep.local.LocalConductor;
import io.lrsweep.science.ProjectedSgd;
import io.lrsweep.storage.FileSystemArtifactStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Studies against the real Conductor OSS server jar (started once for the class, on a free port of
 * 127.0.0.1, SQLite in a temporary directory) with the workers in this JVM and a filesystem store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConductorStudyIT {
    private Path home;
    private LocalConductor conductor;
    private ConductorApi api;
    private WorkerHost workers;
    private final FaultSwitch faults = new FaultSwitch();
    private FileSystemArtifactStore store;

    @BeforeAll
    void startServerAndWorkers() throws Exception {
        home = Files.createTempDirectory("lrsweep-it");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        conductor = new LocalConductor(home, port);
        assertThat(conductor.up(System.out)).as("a fresh server was started").isTrue();
        api = conductor.api();
        api.registerDefinitions();
        api.registerDefinitions(); // registering twice is harmless
        store = new FileSystemArtifactStore(home.resolve("store"));
        workers = new WorkerHost(api.apiUrl(), store, 2, null, faults).start();
    }

    @AfterAll
    void stop() throws Exception {
        if (workers != null) {
            workers.close();
        }
        if (conductor != null) {
            conductor.down(System.out);
        }
    }

    private static Map<String, Object> tinyStudy(Map<String, Object> extra) {
        Map<String, Object> overrides = new HashMap<>(Map.of("plrs", List.of(1e-3, 3.16e-2), "pretrainIterations",
                600, "finetuneIterations", 200, "testSize", 400, "singleFeatureSize", 200));
        overrides.putAll(extra);
        return TinyStudy.input(null, overrides);
    }

    private StudyProgress await(String id) throws Exception {
        return StudyCompletion.await(api, id, Duration.ofMinutes(4));
    }

    /** Outcome ("completed", "cached") of every completed stage task seen by {@link #stageTaskIds}, by task id. */
    private final Map<String, String> outcomes = new HashMap<>();

    /** Task ids of every stage task in the study and its branches, by "stage plr flr/k". */
    private Map<String, String> stageTaskIds(String id) throws IOException {
        Map<String, String> ids = new HashMap<>();
        List<JsonNode> tasks = new ArrayList<>();
        JsonNode wf = api.workflow(id);
        wf.path("tasks").forEach(tasks::add);
        for (JsonNode t : wf.path("tasks")) {
            if (t.hasNonNull("subWorkflowId")) {
                api.workflow(t.get("subWorkflowId").asText()).path("tasks").forEach(tasks::add);
            }
        }
        for (JsonNode t : tasks) {
            if (t.path("status").asText().equals("COMPLETED") && t.path("taskDefName").asText().startsWith("lrsweep_")) {
                JsonNode in = t.path("inputData");
                ids.put(t.path("taskDefName").asText() + " " + in.path("plr").asText() + " " + in.path("flr").asText()
                        + in.path("k").asText(), t.path("taskId").asText());
                outcomes.put(t.path("taskId").asText(), t.path("outputData").path("outcome").asText());
            }
        }
        return ids;
    }

    @Test
    void aTinyStudyCompletesWithAReport() throws Exception {
        String id = api.startStudy(tinyStudy(Map.of()), Map.of());
        StudyProgress p = await(id);
        assertThat(p.status()).as(p.reason()).isEqualTo("COMPLETED");
        assertThat(p.branches()).isEqualTo(2);
        assertThat(p.stages().get("pretrain").completed()).isEqualTo(2);
        assertThat(p.stages().get("finetune").completed()).isEqualTo(6);
        assertThat(p.stages().get("average").completed()).isEqualTo(4);
        assertThat(p.stages().get("analyze").completed()).isEqualTo(2);
        String index = p.output().get("report").asText();
        assertThat(index).isEqualTo("studies/" + id + "/report/index.html");
        assertThat(store.exists(index)).isTrue();
        assertThat(store.exists("studies/" + id + "/report/results.json")).isTrue();
    }

    @Test
    void aStudyWhoseAnalysisFailsIsResumedWithoutTrainingAgain() throws Exception {
        faults.failNext("lrsweep_analyze", 1);
        String id = api.startStudy(tinyStudy(Map.of("plrs", List.of(2e-3, 5e-2))), Map.of());
        StudyProgress failed = await(id);
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.failures()).anySatisfy(f -> assertThat(f).contains("analyze").contains("injected fault"));
        Map<String, String> before = stageTaskIds(id);
        long trainingSteps = ProjectedSgd.STEPS_TAKEN.get();
        long pretrainRuns = workers.counters().get("pretrain", "completed");
        long finetuneRuns = workers.counters().get("finetune", "completed");

        String how = api.retry(id);
        StudyProgress resumed = await(id);
        assertThat(resumed.status()).as(resumed.reason()).isEqualTo("COMPLETED");
        assertThat(ProjectedSgd.STEPS_TAKEN.get()).as("no SGD step was taken on resume").isEqualTo(trainingSteps);
        assertThat(workers.counters().get("pretrain", "completed")).isEqualTo(pretrainRuns);
        assertThat(workers.counters().get("finetune", "completed")).isEqualTo(finetuneRuns);
        // Either the branch was resumed in place (same task ids) or re-run with every stage cached.
        Map<String, String> after = stageTaskIds(id);
        before.forEach((stage, taskId) -> {
            if (stage.startsWith("lrsweep_pretrain") || stage.startsWith("lrsweep_finetune")) {
                assertThat(after).as(how).containsKey(stage);
                if (!after.get(stage).equals(taskId)) {
                    assertThat(outcomes.get(after.get(stage))).as(stage + " re-ran: " + how).isEqualTo("cached");
                }
            }
        });
        assertThat(store.exists("studies/" + id + "/report/index.html")).isTrue();
    }

    @Test
    void badInputFailsWithATerminalErrorNamingTheField() throws Exception {
        Map<String, Object> negative = tinyStudy(Map.of("plrs", List.of(1e-3, -0.5)));
        Map<String, Object> unknown = new HashMap<>(Map.of("preset", "no-such-preset"));
        Map<String, Object> empty = tinyStudy(Map.of("plrs", List.of()));
        Map<String, String> expected = Map.of("plrs[1]:", "negative", "preset:", "unknown", "plrs: must not be empty",
                "empty");
        Map<String, Map<String, Object>> inputs = Map.of("negative", negative, "unknown", unknown, "empty", empty);
        for (var e : expected.entrySet()) {
            String id = api.startStudy(inputs.get(e.getValue()), Map.of());
            StudyProgress p = await(id);
            assertThat(p.status()).as(e.getValue()).isEqualTo("FAILED");
            JsonNode plan = api.workflow(id).path("tasks").get(0);
            assertThat(plan.path("status").asText()).as(e.getValue()).isEqualTo("FAILED_WITH_TERMINAL_ERROR");
            assertThat(plan.path("retryCount").asInt()).as("no retries for " + e.getValue()).isZero();
            assertThat(plan.path("reasonForIncompletion").asText()).as(e.getValue()).startsWith(e.getKey());
            assertThat(api.workflow(id).path("tasks")).as("nothing else was scheduled").hasSize(1);
        }
    }
}
