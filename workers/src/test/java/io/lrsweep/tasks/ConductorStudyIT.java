package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import io.lrsweep.TinyStudy;
import io.lrsweep.local.LocalConductor;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.ArtifactStores;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.storage.S3ProxyServer;
import io.lrsweep.study.PlannedStages;
import io.lrsweep.study.StageTally;
import io.lrsweep.study.StudyResolver;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Studies against the real Conductor OSS server jar (started once for the class, on a free port of
 * 127.0.0.1, SQLite in a temporary directory) with the workers in this JVM: one worker host on the
 * filesystem store polling task domain "fs", one on an S3 store (a real S3Proxy server, through the
 * MinIO SDK) polling domain "s3". A study is routed to one of them with taskToDomain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConductorStudyIT {
    private Path home;
    private LocalConductor conductor;
    private ConductorApi api;
    private S3ProxyServer s3;
    private final Map<String, WorkerHost> workers = new HashMap<>();
    private final Map<String, ComputeContext> contexts = new HashMap<>();
    private final Map<String, ArtifactStore> stores = new HashMap<>();
    private final FaultSwitch faults = new FaultSwitch();

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
        s3 = S3ProxyServer.start(home.resolve("s3"));
        stores.put("fs", new FileSystemArtifactStore(home.resolve("store")));
        stores.put("s3", ArtifactStores.open("s3://lrsweep-it/studies-prefix", s3.env()));
        for (var e : stores.entrySet()) {
            ComputeContext context = ComputeContext.cpu(home.resolve("datasets"));
            contexts.put(e.getKey(), context);
            workers.put(e.getKey(), new WorkerHost(api.apiUrl(), e.getValue(), context, e.getKey(), faults).start());
        }
    }

    /** Studies started by this class, by the domain (store) they ran in. */
    private final Map<String, List<String>> started = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterAll
    void stop() throws Exception {
        try {
            secretIsNowhere();
        } finally {
            stopAll();
        }
    }

    /** The S3 secret key is in no worker log, server log, task, object of the S3 studies or metrics scrape. */
    private void secretIsNowhere() throws Exception {
        io.lrsweep.SecretScan scan = new io.lrsweep.SecretScan(S3ProxyServer.SECRET_KEY).inProcessLog()
                .file(conductor.logFile()).text("metrics of the s3 worker host", workers.get("s3").metrics().scrape());
        for (String id : started.getOrDefault("s3", List.of())) {
            scan.workflow(api, id).objects(stores.get("s3"), "studies/" + id + "/");
        }
        assertThat(started.get("s3")).as("S3 studies scanned").isNotEmpty();
    }

    private void stopAll() throws Exception {
        workers.values().forEach(WorkerHost::close);
        contexts.values().forEach(ComputeContext::close);
        if (conductor != null) {
            conductor.down(System.out);
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private String start(Map<String, Object> input, String domain) throws IOException {
        String id = api.startStudy(input, Map.of("*", domain));
        started.computeIfAbsent(domain, d -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(id);
        return id;
    }

    private static Map<String, Object> tinyStudy(Map<String, Object> extra) {
        Map<String, Object> overrides = new HashMap<>(Map.of("plrs", List.of(1e-3, 3.16e-2), "pretrainIterations",
                600, "finetuneIterations", 200, "testSize", 400, "singleFeatureSize", 200));
        overrides.putAll(extra);
        return TinyStudy.input(null, overrides);
    }

    /**
     * Waits until a retried study is no longer FAILED: under load the server was once seen to
     * answer the first read after a retry with the old status while it was already running the
     * retried branches again.
     */
    private void awaitRestarted(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (api.workflow(id).getStatus() == Workflow.WorkflowStatus.FAILED) {
            assertThat(System.nanoTime()).as("the retried study " + id + " left FAILED").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private StudyProgress await(String id) throws Exception {
        return StudyCompletion.await(api, id, Duration.ofMinutes(4));
    }

    /** Outcome ("completed", "cached") of every completed stage task seen by {@link #stageTaskIds}, by task id. */
    private final Map<String, String> outcomes = new HashMap<>();

    /** A value of a task's input or output as text ("" when absent). */
    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    /** The stages a whole-branch task ran, as its output lists them. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> branchStages(Task wholeBranch) {
        return (List<Map<String, Object>>) wholeBranch.getOutputData().get("stages");
    }

    /**
     * Task ids of every stage task in the study and its branches, by "stage plr flrs/ks" (by
     * "stage plr" for the stages of a whole-branch task); each one's outcome in {@link #outcomes}.
     */
    private Map<String, String> stageTaskIds(String id) throws IOException {
        Map<String, String> ids = new HashMap<>();
        Workflow wf = api.workflow(id);
        List<Task> tasks = new ArrayList<>(wf.getTasks());
        for (Task t : wf.getTasks()) {
            if (t.getSubWorkflowId() != null) {
                tasks.addAll(api.workflow(t.getSubWorkflowId()).getTasks());
            }
        }
        for (Task t : tasks) {
            if (t.getStatus() != Task.Status.COMPLETED || !t.getTaskDefName().startsWith("lrsweep_")) {
                continue;
            }
            Map<String, Object> in = t.getInputData();
            if (t.getTaskDefName().equals(TaskType.WHOLE_BRANCH.taskName())) {
                // A synthetic branch's stages, each with its outcome, in its one task.
                for (Map<String, Object> stage : branchStages(t)) {
                    String key = "lrsweep_" + stage.get("stage") + " " + text(in.get("plr"));
                    ids.put(key, t.getTaskId());
                    outcomes.put(t.getTaskId() + " " + key, text(stage.get("outcome")));
                }
            } else {
                String key = t.getTaskDefName() + " " + text(in.get("plr")) + " " + text(in.get("flrs"))
                        + text(in.get("ks"));
                ids.put(key, t.getTaskId());
                outcomes.put(t.getTaskId() + " " + key, text(t.getOutputData().get("outcome")));
            }
        }
        return ids;
    }

    @Test
    void theProgressCountsStayWithinThePlanWhileTheStudyRunsAndReachItWhenItEnds() throws Exception {
        Map<String, Object> input = tinyStudy(Map.of("seeds", 2));
        PlannedStages plan = PlannedStages.of(StudyResolver.resolve(input, "check"));
        String id = start(input, "fs");
        List<StudyProgress> seen = new ArrayList<>();
        StudyProgress p = StudyProgress.of(api, id);
        for (long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos(); !p.finished()
                && System.nanoTime() < deadline; p = StudyProgress.of(api, id)) {
            seen.add(p);
            Thread.sleep(300);
        }
        assertThat(p.status()).as(p.reason()).isEqualTo("COMPLETED");
        for (StudyProgress running : seen) {
            for (StageTally t : running.tallies()) {
                int planned = plan.stages().stream().filter(s -> s.stage().equals(t.stage())).findFirst()
                        .orElseThrow().total();
                assertThat(t.done() + t.running() + t.failed()).as(running.line()).isLessThanOrEqualTo(planned);
                assertThat(t.waiting()).as(running.line()).isNotNegative();
            }
        }
        assertThat(seen).as("a look while stages were left and some were timed had an ETA")
                .anySatisfy(s -> assertThat(s.estimate().etaSeconds()).isPresent());
        assertThat(seen).anySatisfy(s -> assertThat(s.estimate().fractionDone()).isBetween(0.01, 0.99));
        // At the end every stage is done, to the baseline runs its plan chose (now exact).
        assertThat(p.tallies()).allSatisfy(t -> {
            assertThat(t.exact()).as(t.stage()).isTrue();
            assertThat(t.done()).as(t.stage()).isEqualTo(t.total());
        });
        // 2 PLRs × 2 seeds, each branch's FLRs in one task (synthetic).
        assertThat(p.tallies()).filteredOn(t -> t.stage().equals("finetune")).singleElement()
                .extracting(StageTally::total).isEqualTo(2 * 2);
        assertThat(p.estimate().fractionDone()).isEqualTo(1.0);
        assertThat(p.estimate().etaSeconds()).hasValue(0);
        assertThat(p.times().meanSeconds()).containsKeys("pretrain", "finetune", "average", "analyze");
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"fs", "s3"})
    void aTinyStudyCompletesWithAReport(String kind) throws Exception {
        ArtifactStore store = stores.get(kind);
        String id = start(tinyStudy(Map.of()), kind);
        StudyProgress p = await(id);
        assertThat(p.status()).as(p.reason()).isEqualTo("COMPLETED");
        assertThat(p.branches()).isEqualTo(2);
        // Done or found cached: another study of this class with the same settings may have computed them.
        assertThat(done(p, "pretrain")).isEqualTo(2);
        // One fine-tuning (both FLRs) and one averaging (both Ks) per branch, in the branch's one task.
        assertThat(done(p, "finetune")).isEqualTo(2);
        assertThat(done(p, "average")).isEqualTo(2);
        assertThat(done(p, "analyze")).isEqualTo(2);
        // The baselines ran after the sweep: one plan, and runs trained to convergence near the threshold.
        assertThat(p.stages().get("baselines").completed()).isEqualTo(1);
        assertThat(done(p, "converge")).isPositive();
        String index = p.output().get("report").asText();
        assertThat(index).isEqualTo("studies/" + id + "/report/index.html");
        assertThat(store.exists(index)).isTrue();
        assertThat(store.exists("studies/" + id + "/report/results.json")).isTrue();
        // Written by the workflow's report task: it links to that workflow on the API its workers poll.
        try (var in = store.open(index)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("href=\"" + api.apiUrl() + "/workflow/" + id + "\"");
        }
    }

    private static int done(StudyProgress p, String stage) {
        StudyProgress.StageCount c = p.stages().get(stage);
        return c.completed() + c.cached();
    }

    @Test
    void aSecondStudyWithTheSameSettingsFindsEveryBranchStageComputedByTheFirstAndReportsTheSameResults()
            throws Exception {
        ArtifactStore store = stores.get("fs");
        // PLRs of no other study here, and no baselines: only the sweep's stages, each computed once.
        Map<String, Object> settings = Map.of("plrs", List.of(2.5e-3, 6e-2), "convergenceBudget", 0, "twoStage", false);
        String first = start(tinyStudy(settings), "fs");
        assertThat(await(first).status()).isEqualTo("COMPLETED");
        long steps = contexts.get("fs").stepsTaken();
        String second = start(tinyStudy(settings), "fs");
        StudyProgress p = await(second);
        assertThat(p.status()).as(p.reason()).isEqualTo("COMPLETED");
        assertThat(contexts.get("fs").stepsTaken()).as("SGD steps of the second study").isEqualTo(steps);
        for (var e : Map.of("pretrain", 2, "finetune", 2, "average", 2, "analyze", 2).entrySet()) {
            assertThat(p.stages().get(e.getKey()).cached()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(p.stages().get(e.getKey()).completed()).as(e.getKey()).isZero();
        }
        List<Object> reusedFrom = new ArrayList<>();
        for (Task t : api.workflow(second).getTasks()) {
            if (TaskType.WHOLE_BRANCH.taskName().equals(t.getTaskDefName())) {
                branchStages(t).stream().filter(s -> s.get("stage").equals("pretrain"))
                        .forEach(s -> reusedFrom.add(s.get("reused_from")));
            }
        }
        assertThat(reusedFrom).containsExactlyInAnyOrder(StudyLayout.pretrain(first, 2.5e-3, 0),
                StudyLayout.pretrain(first, 6e-2, 0));
        assertThat(results(store, second)).isEqualTo(results(store, first));
    }

    /** The report's results.json without the study id, the one field that differs between studies. */
    private static JsonNode results(ArtifactStore store, String id) throws IOException {
        try (var in = store.open("studies/" + id + "/report/results.json")) {
            var results = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(in);
            results.remove("study_id");
            return results;
        }
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"fs", "s3"})
    void aStudyWhoseAnalysisFailsIsResumedWithoutTrainingAgain(String kind) throws Exception {
        ArtifactStore store = stores.get(kind);
        WorkerHost host = workers.get(kind);
        faults.failNext("lrsweep_analyze", 1);
        // Without baselines, the training on resume is exactly that of the sweep's unfinished stages.
        String id = start(tinyStudy(Map.of("plrs", List.of(2e-3, 5e-2), "convergenceBudget", 0, "twoStage", false)),
                kind);
        StudyProgress failed = await(id);
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.failures()).anySatisfy(f -> assertThat(f).contains("analyze").contains("injected fault"));
        // Stages of the cancelled sibling branch may still be finishing in the worker: let them.
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < 1_000_000_000L) {
            if (host.stagesInFlight() > 0) {
                quietSince = System.nanoTime();
            }
            Thread.sleep(50);
        }
        Map<String, String> before = stageTaskIds(id);
        // The sibling branch was cancelled when the study failed; stages of it that never ran
        // (still queued) run on resume for the first time. Everything that had finished must not.
        int unfinishedPretrains = 0;
        int unfinishedFinetunes = 0;
        int finetuneTasksLeft = 0;
        List<Double> pretrainedBefore = new ArrayList<>();
        for (double plr : List.of(2e-3, 5e-2)) {
            if (!finished(store, StudyLayout.pretrain(id, plr, 0))) {
                unfinishedPretrains++;
            } else {
                pretrainedBefore.add(plr);
            }
            int left = 0;
            for (double flr : List.of(3.16e-5, 7.5e-3)) {
                if (!finished(store, StudyLayout.finetune(id, plr, 0, flr))) {
                    left++;
                }
            }
            unfinishedFinetunes += left;
            // The branch's one fine-tuning task computes on resume if any of its runs is unfinished.
            finetuneTasksLeft += left > 0 ? 1 : 0;
        }
        assertThat(unfinishedPretrains + unfinishedFinetunes).as("the failed branch had finished its training")
                .isLessThanOrEqualTo(4);
        long trainingSteps = contexts.get(kind).stepsTaken();
        long pretrainRuns = host.counters().get("pretrain", "completed");
        long finetuneTasks = host.counters().get("finetune", "completed");

        String how = api.retry(id);
        awaitRestarted(id);
        StudyProgress resumed = await(id);
        assertThat(resumed.status()).as(resumed.reason()).isEqualTo("COMPLETED");
        assertThat(contexts.get(kind).stepsTaken() - trainingSteps)
                .as("SGD steps on resume: only the stages that had not finished")
                .isEqualTo(600L * unfinishedPretrains + 200L * unfinishedFinetunes);
        assertThat(host.counters().get("pretrain", "completed") - pretrainRuns).isEqualTo(unfinishedPretrains);
        assertThat(host.counters().get("finetune", "completed") - finetuneTasks).isEqualTo(finetuneTasksLeft);
        // Either the branch was resumed in place (same task ids) or re-run with every finished stage
        // cached; the failed branch's task failed before its end, so its stages show only after.
        Map<String, String> after = stageTaskIds(id);
        assertThat(pretrainedBefore).as("the failed branch had pre-trained").isNotEmpty();
        for (double plr : pretrainedBefore) {
            String stage = "lrsweep_pretrain " + plr;
            assertThat(after).as(how).containsKey(stage);
            if (!after.get(stage).equals(before.get(stage))) {
                assertThat(outcomes.get(after.get(stage) + " " + stage)).as(stage + " re-ran: " + how)
                        .isEqualTo("cached");
            }
        }
        before.forEach((stage, taskId) -> {
            if (stage.startsWith("lrsweep_pretrain") || stage.startsWith("lrsweep_finetune")) {
                assertThat(after).as(how).containsKey(stage);
                if (!after.get(stage).equals(taskId)) {
                    assertThat(outcomes.get(after.get(stage) + " " + stage)).as(stage + " re-ran: " + how)
                            .isEqualTo("cached");
                }
            }
        });
        assertThat(store.exists("studies/" + id + "/report/index.html")).isTrue();
    }

    @Test
    void aTinyImageStudyRunsThroughTheRealServerWithBandAccuraciesInTheReport() throws Exception {
        io.lrsweep.DebianFashionMnist.require();
        ArtifactStore store = stores.get("fs");
        String id = start(io.lrsweep.TinyImageStudy.input(null, Map.of()), "fs");
        StudyProgress p = await(id);
        assertThat(p.status()).as(p.reason()).isEqualTo("COMPLETED");
        assertThat(p.branches()).isEqualTo(2);
        // An image branch fine-tunes with each FLR in a task of its own; one task averages both Ks.
        assertThat(p.stages().get("finetune").completed()).isEqualTo(4);
        assertThat(p.stages().get("average").completed()).isEqualTo(2);
        // The pre-trained point and the SWA window (epochs 2 and 3) are kept as epoch checkpoints.
        String pretrain = StudyLayout.pretrain(id, 1e-3, 0);
        assertThat(store.exists(pretrain + "/epoch-0002.ckpt")).isTrue();
        assertThat(store.exists(pretrain + "/epoch-0003.ckpt")).isTrue();
        assertThat(store.exists(pretrain + "/resume.ckpt")).as("removed once the stage committed").isFalse();
        JsonNode results;
        try (var in = store.open("studies/" + id + "/report/results.json")) {
            results = new ObjectMapper().readTree(in);
        }
        assertThat(results.toString()).contains("band_accuracy").contains("\"low\"");
    }

    private static boolean finished(ArtifactStore store, String stagePrefix) throws IOException {
        return store.exists(stagePrefix + "/MANIFEST.json");
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
            String id = start(inputs.get(e.getValue()), "fs");
            StudyProgress p = await(id);
            assertThat(p.status()).as(e.getValue()).isEqualTo("FAILED");
            Task plan = api.workflow(id).getTasks().get(0);
            assertThat(plan.getStatus()).as(e.getValue()).isEqualTo(Task.Status.FAILED_WITH_TERMINAL_ERROR);
            assertThat(plan.getRetryCount()).as("no retries for " + e.getValue()).isZero();
            assertThat(plan.getReasonForIncompletion()).as(e.getValue()).startsWith(e.getKey());
            assertThat(api.workflow(id).getTasks()).as("nothing else was scheduled").hasSize(1);
        }
    }
}
