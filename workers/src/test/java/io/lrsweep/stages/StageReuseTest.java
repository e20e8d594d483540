package io.lrsweep.stages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lrsweep.TinyStudy;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.storage.StoredObject;
import io.lrsweep.study.BaselinePlan;
import io.lrsweep.study.Branch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stages finished by an earlier study with the same fingerprints are copied, not computed again. */
class StageReuseTest {
    private static final double PLR = 1e-3;
    private static final double FLR = 3.16e-5;
    @TempDir
    Path root;
    private ComputeContext compute;
    private FileSystemArtifactStore store;

    @BeforeEach
    void storeAndTwoStudies() throws IOException {
        compute = ComputeContext.cpu(root.resolve("datasets"));
        store = new FileSystemArtifactStore(root.resolve("store"));
        for (String id : List.of("a", "b")) {
            new PlanStage(store).run(TinyStudy.input(id, Map.of("plrs", List.of(PLR))), "wf", false);
        }
    }

    @AfterEach
    void close() {
        compute.close();
    }

    private StageOutcome pretrain(String id, boolean force) throws IOException {
        return new PretrainStage(store, compute).run(id, PLR, 0, force, StageProgress.NONE);
    }

    private StageOutcome finetune(String id) throws IOException {
        return new FinetuneStage(store, compute).run(id, PLR, 0, FLR, false, StageProgress.NONE);
    }

    @Test
    void aStageFinishedInOneStudyIsCopiedIntoAnotherWithoutTrainingAndItsDownstreamStagesToo() throws Exception {
        pretrain("a", false);
        finetune("a");
        long steps = compute.stepsTaken();
        StageOutcome pre = pretrain("b", false);
        StageOutcome ft = finetune("b");
        assertThat(compute.stepsTaken()).as("SGD steps in study b").isEqualTo(steps);
        assertThat(pre.cached()).isTrue();
        assertThat(pre.outputs()).containsEntry("reused_from", StudyLayout.pretrain("a", PLR, 0))
                .containsEntry("manifest", StudyLayout.pretrain("b", PLR, 0) + "/MANIFEST.json");
        assertThat(ft.cached()).as("its fingerprint records the pre-training's content, the same in both").isTrue();
        assertThat(ft.outputs()).containsEntry("reused_from", StudyLayout.finetune("a", PLR, 0, FLR));
        sameObjects(StudyLayout.pretrain("a", PLR, 0), StudyLayout.pretrain("b", PLR, 0));
        sameObjects(StudyLayout.finetune("a", PLR, 0, FLR), StudyLayout.finetune("b", PLR, 0, FLR));
        // Found in its own directory from now on.
        assertThat(pretrain("b", false).outputs()).containsEntry("outcome", "cached").doesNotContainKey("reused_from");
    }

    /** Study b's directory holds byte-identical copies of study a's objects, listed by its own manifest. */
    private void sameObjects(String a, String b) throws IOException {
        Manifest theirs = new StageDirectory(store, a).manifest().orElseThrow();
        StageDirectory dir = new StageDirectory(store, b);
        Manifest mine = dir.manifest().orElseThrow();
        assertThat(mine.fingerprint()).isEqualTo(theirs.fingerprint());
        assertThat(mine.objects()).hasSameSizeAs(theirs.objects()).allSatisfy(o -> assertThat(o.key()).startsWith(b + "/"));
        for (StoredObject o : theirs.objects()) {
            String name = o.key().substring(a.length() + 1);
            assertThat(dir.readVerified(mine, name)).as(name).isEqualTo(store.get(o.key()));
        }
    }

    @Test
    void ownReuseTakesTheStagesOwnManifestButNotAnotherStudysThroughTheIndex() throws Exception {
        pretrain("a", false);
        finetune("a");
        pretrain("b", false);
        Branch b = new Branch(Studies.load(store, "b"), PLR, 0);
        long steps = compute.stepsTaken();
        StageOutcome computed = new FinetuneStage(store, compute).run(b, List.of(FLR), Reuse.OWN, StageProgress.NONE);
        assertThat(computed.cached()).as("study a's fine-tuning is in the index, not asked").isFalse();
        assertThat(compute.stepsTaken()).isGreaterThan(steps);
        sameObjects(StudyLayout.finetune("a", PLR, 0, FLR), StudyLayout.finetune("b", PLR, 0, FLR));
        StageOutcome again = new FinetuneStage(store, compute).run(b, List.of(FLR), Reuse.OWN, StageProgress.NONE);
        assertThat(again.outputs()).containsEntry("outcome", "cached").doesNotContainKey("reused_from");
    }

    @Test
    void aCorruptObjectOfTheEarlierStudyIsNotCopiedAndTheStageIsComputed() throws Exception {
        pretrain("a", false);
        Path ckpt = store.pathOf(StudyLayout.pretrain("a", PLR, 0) + "/iter-000001000.ckpt");
        byte[] original = Files.readAllBytes(ckpt);
        byte[] flipped = original.clone();
        flipped[flipped.length / 2] ^= 1;
        Files.write(ckpt, flipped);
        long steps = compute.stepsTaken();
        StageOutcome b = pretrain("b", false);
        assertThat(b.cached()).isFalse();
        assertThat(compute.stepsTaken() - steps).isEqualTo(1000);
        assertThat(store.get(StudyLayout.pretrain("b", PLR, 0) + "/iter-000001000.ckpt"))
                .as("computed again, as it was before the flip").isEqualTo(original);
    }

    @Test
    void aStaleIndexEntryIsIgnoredAndTheStageIsComputed() throws Exception {
        String fingerprint = (String) pretrain("a", false).outputs().get("fingerprint");
        String entry = "index/fingerprints/" + fingerprint;
        String elsewhere = StudyLayout.finetune("a", PLR, 0, FLR);
        finetune("a");
        List<byte[]> stale = List.of(
                Json.bytes(Map.of("prefix", elsewhere)), // a directory that holds another fingerprint
                Json.bytes(Map.of("prefix", "studies/gone/pretrain")), // a directory deleted since
                "{\"prefix\": ".getBytes()); // an entry cut short
        List<Boolean> cached = new ArrayList<>();
        for (byte[] e : stale) {
            store.put(entry, e);
            store.delete(StudyLayout.pretrain("b", PLR, 0) + "/MANIFEST.json");
            cached.add(pretrain("b", false).cached());
        }
        assertThat(cached).containsExactly(false, false, false);
    }

    @Test
    void forceComputesEvenWhenAnEarlierStudyHoldsTheStage() throws Exception {
        pretrain("a", false);
        long steps = compute.stepsTaken();
        assertThat(pretrain("b", true).cached()).isFalse();
        assertThat(compute.stepsTaken() - steps).isEqualTo(1000);
    }

    @Test
    void aSecondStudyWithTheSameSettingsReusesEveryBranchStageAndReportsTheSameResults() throws Exception {
        Map<String, Object> settings = Map.of("plrs", List.of(3.16e-3, 0.1), "pretrainIterations", 500,
                "convergenceBudget", 2, "twoStagePlrs", List.of(0.1, 3.16e-3));
        for (String id : List.of("first", "second")) {
            new PlanStage(store).run(TinyStudy.input(id, settings), "wf", false);
        }
        List<StageOutcome> first = runStudy("first");
        long steps = compute.stepsTaken();
        List<StageOutcome> second = runStudy("second");
        assertThat(compute.stepsTaken()).as("SGD steps in the second study").isEqualTo(steps);
        assertThat(second).hasSameSizeAs(first).allSatisfy(o -> assertThat(o.outputs().get("reused_from"))
                .as(o.outputs().get("manifest") + " reused").asString().startsWith("studies/first/"));
        assertThat(second).extracting(StageOutcome::stage).contains("converge", "two_stage");
        for (double plr : List.of(3.16e-3, 0.1)) {
            assertThat(store.get(StudyLayout.analyze("second", plr, 0) + "/results.json"))
                    .isEqualTo(store.get(StudyLayout.analyze("first", plr, 0) + "/results.json"));
        }
        assertThat(reportResults("second")).isEqualTo(reportResults("first"));
    }

    /** Every stage of the study in workflow order; the outcomes of its branch and baseline stages. */
    private List<StageOutcome> runStudy(String id) throws IOException {
        List<StageOutcome> out = new ArrayList<>();
        for (double plr : List.of(3.16e-3, 0.1)) {
            out.add(new PretrainStage(store, compute).run(id, plr, 0, false, StageProgress.NONE));
            for (double flr : List.of(3.16e-5, 7.5e-3)) {
                out.add(new FinetuneStage(store, compute).run(id, plr, 0, flr, false, StageProgress.NONE));
            }
            for (int k : List.of(2, 5)) {
                out.add(new AverageStage(store, compute).run(id, plr, 0, k, false, StageProgress.NONE));
            }
            out.add(new AnalyzeStage(store, compute).run(id, plr, 0, false, StageProgress.NONE));
        }
        BaselinePlan plan = new BaselinePlanStage(store, compute).run(id, false, StageProgress.NONE);
        for (var run : plan.converge()) {
            out.add(new ConvergeStage(store, compute).run(id, run.plr(), run.seed(), false, StageProgress.NONE));
        }
        out.add(new TwoStageStage(store, compute).run(id, 0, false, StageProgress.NONE));
        new ReportStage(store, compute).run(id, false, StageProgress.NONE);
        return out;
    }

    /** The report's results.json without the study id, the one field that differs between studies. */
    private JsonNode reportResults(String id) throws IOException {
        ObjectNode results = (ObjectNode) Json.MAPPER.readTree(store.get(StudyLayout.report(id) + "/results.json"));
        results.remove("study_id");
        return results;
    }
}
