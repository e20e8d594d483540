package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.netflix.conductor.common.run.Workflow;
import io.lrsweep.TinyStudy;
import io.lrsweep.local.LocalConductor;
import io.lrsweep.report.RefineChoice;
import io.lrsweep.science.Regime;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.Refinements;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.study.Refine;
import io.lrsweep.study.RefineRound;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Adaptive refinement inside the study workflow on the real Conductor server jar (SQLite, a free
 * port of 127.0.0.1) with the workers in this JVM: the rounds run as the study workflow's chain of
 * refine tasks, each with a dynamic fork of branch sub-workflows, a study failed in the middle of a round resumes with
 * the retry that `lrsweep resume` uses, and a study run again finds every round and branch cached.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefineStudyIT {
    /** Two coarse PLRs three decades apart, two rounds of one point: the finest step asked for is 0.75 decades. */
    private static final List<Double> COARSE = List.of(1e-3, 1.0);
    private static final Refine REFINE = new Refine(2, 1);
    private Path home;
    private LocalConductor conductor;
    private ConductorApi api;
    private ArtifactStore store;
    private ComputeContext compute;
    private WorkerHost worker;
    private final FaultSwitch faults = new FaultSwitch();

    @BeforeAll
    void startServerAndWorkers() throws Exception {
        home = Files.createTempDirectory("lrsweep-refine-it");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        conductor = new LocalConductor(home, port);
        assertThat(conductor.up(System.out)).as("a fresh server was started").isTrue();
        api = conductor.api();
        // A server started on a busy machine can be slow to answer its first requests.
        for (int attempt = 1; ; attempt++) {
            try {
                api.registerDefinitions();
                break;
            } catch (IOException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(5_000);
            }
        }
        store = new FileSystemArtifactStore(home.resolve("store"));
        compute = ComputeContext.cpu(home.resolve("datasets"));
        worker = new WorkerHost(api.apiUrl(), store, compute, "fs", faults).start();
    }

    @AfterAll
    void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (compute != null) {
            compute.close();
        }
        if (conductor != null) {
            conductor.down(System.out);
        }
    }

    /**
     * A tiny study whose coarse grid brackets a threshold: 1e-3 reaches the (loose) convergence
     * loss 0.3 within its budget and 1.0 diverges. No baselines, so that training counts only branches.
     */
    private static Map<String, Object> input(String studyId) {
        Map<String, Object> o = new HashMap<>();
        o.put("plrs", COARSE);
        o.put("pretrainIterations", 600);
        o.put("finetuneIterations", 200);
        o.put("testSize", 400);
        o.put("singleFeatureSize", 200);
        o.put("convergenceLoss", 0.3);
        o.put("convergenceBudget", 0);
        o.put("twoStage", false);
        o.put("refine", Map.of("rounds", REFINE.rounds(), "points", REFINE.points()));
        return TinyStudy.input(studyId, o);
    }

    private StudyProgress await(String id) throws Exception {
        return StudyCompletion.await(api, id, Duration.ofMinutes(6));
    }

    private JsonNode results(String studyId) throws Exception {
        return new ObjectMapper().readTree(store.get(StudyLayout.report(studyId) + "/results.json"));
    }

    /**
     * The rounds recorded are those the rule gives when replayed on the report's regimes (a PLR's
     * regime depends on its own seeds only), each round seeing the PLRs of the rounds before it;
     * every PLR of a round is in the report with that round.
     */
    private List<RefineRound> assertRoundsFollowTheRule(String studyId) throws Exception {
        List<RefineRound> rounds = Refinements.read(store, studyId, REFINE.rounds());
        Map<Double, Regime> regime = new TreeMap<>();
        Map<Double, Integer> roundOf = new TreeMap<>();
        for (JsonNode row : results(studyId).get("per_plr")) {
            regime.put(row.get("plr").asDouble(), Regime.fromLabel(row.get("regime").asText()));
            roundOf.put(row.get("plr").asDouble(), row.get("round").asInt());
        }
        assertThat(rounds).as("round 1 was recorded").isNotEmpty();
        for (RefineRound r : rounds) {
            Map<Double, Regime> before = new TreeMap<>();
            regime.forEach((plr, g) -> {
                if (roundOf.get(plr) < r.round()) {
                    before.put(plr, g);
                }
            });
            assertThat(r).as("round " + r.round()).isEqualTo(RefineChoice.next(r.round(), COARSE, REFINE, before));
            r.plrs().forEach(plr -> assertThat(roundOf).containsEntry(plr, r.round()));
        }
        List<Double> coarse = new ArrayList<>();
        roundOf.forEach((plr, round) -> {
            if (round == 0) {
                coarse.add(plr);
            }
        });
        assertThat(coarse).containsExactlyElementsOf(COARSE);
        return rounds;
    }

    @Test
    void roundsRunInsideTheWorkflowAndARerunFindsEveryRoundAndBranchCached() throws Exception {
        String studyId = "refine-rerun";
        String id = api.startStudy(input(studyId), Map.of("*", "fs"));
        StudyProgress p = await(id);
        assertThat(p.status()).as(p.reason()).isEqualTo("COMPLETED");
        List<RefineRound> rounds = assertRoundsFollowTheRule(studyId);
        assertThat(rounds.get(0).plrs()).as("the coarse grid brackets a threshold: round 1 adds a PLR, %s",
                rounds.get(0).reason()).hasSize(1);
        int refined = rounds.stream().mapToInt(r -> r.plrs().size()).sum();
        assertThat(p.stages().get("analyze").completed()).isEqualTo(COARSE.size() + refined);
        // One refine task per step of the chain that was reached: every round recorded, and the step
        // after the last round that added PLRs (which found nothing more to do).
        List<Integer> reached = api.workflow(id).getTasks().stream()
                .filter(t -> t.getTaskDefName().equals(TaskType.REFINE.taskName()))
                .map(t -> ((Number) t.getInputData().get("round")).intValue()).toList();
        assertThat(reached).startsWith(rounds.stream().map(RefineRound::round).toArray(Integer[]::new))
                .hasSizeLessThanOrEqualTo(REFINE.rounds() + 1);
        for (int i = 0; i < reached.size(); i++) {
            assertThat(reached.get(i)).isEqualTo(i + 1);
        }

        long steps = compute.stepsTaken();
        long pretrains = worker.counters().get("pretrain", "completed");
        String again = api.startStudy(input(studyId), Map.of("*", "fs"));
        StudyProgress rerun = await(again);
        assertThat(rerun.status()).as(rerun.reason()).isEqualTo("COMPLETED");
        assertThat(compute.stepsTaken()).as("no SGD step when every branch is cached").isEqualTo(steps);
        assertThat(worker.counters().get("pretrain", "completed")).isEqualTo(pretrains);
        assertThat(rerun.stages().get("pretrain").cached()).isEqualTo(COARSE.size() + refined);
        assertThat(Refinements.read(store, studyId, REFINE.rounds())).isEqualTo(rounds);
    }

    @Test
    void aStudyFailedInTheMiddleOfARoundResumesWithoutTrainingAgain() throws Exception {
        String studyId = "refine-resume";
        // The two coarse analyses and round 1's pass; round 2's analysis fails, after its branch trained.
        faults.failAfter(TaskType.ANALYZE.taskName(), COARSE.size() + 1, 1);
        String id = api.startStudy(input(studyId), Map.of("*", "fs"));
        StudyProgress failed = await(id);
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.failures()).anySatisfy(f -> assertThat(f).contains("analyze").contains("injected fault"));
        assertThat(Refinements.read(store, studyId, REFINE.rounds())).as("failed in round 2").hasSize(2);
        long steps = compute.stepsTaken();
        long pretrains = worker.counters().get("pretrain", "completed");

        api.retry(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (api.workflow(id).getStatus() == Workflow.WorkflowStatus.FAILED && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        StudyProgress resumed = await(id);
        assertThat(resumed.status()).as(resumed.reason()).isEqualTo("COMPLETED");
        assertThat(compute.stepsTaken()).as("SGD steps on resume: every branch had finished its training")
                .isEqualTo(steps);
        assertThat(worker.counters().get("pretrain", "completed")).isEqualTo(pretrains);
        List<RefineRound> rounds = assertRoundsFollowTheRule(studyId);
        assertThat(rounds).hasSize(2);
        assertThat(store.exists(StudyLayout.report(studyId) + "/index.html")).isTrue();
    }
}
