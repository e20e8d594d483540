package io.lrsweep.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.AnalyzeStage;
import io.lrsweep.stages.AverageStage;
import io.lrsweep.stages.FinetuneStage;
import io.lrsweep.stages.PlanStage;
import io.lrsweep.stages.PretrainStage;
import io.lrsweep.stages.ReportStage;
import io.lrsweep.stages.StageProgress;
import io.lrsweep.stages.Studies;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.study.StudyConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The results of the fault study run cleanly: every stage once, in order, in this JVM, into a
 * store of its own. Stages are deterministic, so any study of the same input that the faults did
 * not corrupt ends with the same results.json (but its study id).
 */
final class CleanReference {
    private static JsonNode results;

    private CleanReference() {
    }

    static synchronized JsonNode results() throws Exception {
        if (results == null) {
            Path dir = Files.createTempDirectory("lrsweep-clean-reference");
            FileSystemArtifactStore store = new FileSystemArtifactStore(dir);
            ComputeContext compute = ComputeContext.cpu(dir.resolve("datasets"));
            String id = "clean";
            new PlanStage(store).run(FaultStudy.input(id), "wf", false);
            StudyConfig c = Studies.load(store, id);
            for (double plr : c.plrs()) {
                new PretrainStage(store, compute).run(id, plr, 0, false, StageProgress.NONE);
                for (double flr : c.flrs()) {
                    new FinetuneStage(store, compute).run(id, plr, 0, flr, false, StageProgress.NONE);
                }
                for (int k : c.swaKs()) {
                    new AverageStage(store, compute).run(id, plr, 0, k, false, StageProgress.NONE);
                }
                new AnalyzeStage(store, compute).run(id, plr, 0, false, StageProgress.NONE);
            }
            new ReportStage(store, compute).run(id, false, StageProgress.NONE);
            results = withoutStudyId(new ObjectMapper().readTree(store.get(StudyLayout.report(id) + "/results.json")));
        }
        return results;
    }

    /** A results.json without its study id, the one field two runs of the same study differ in. */
    static JsonNode withoutStudyId(JsonNode results) {
        JsonNode copy = results.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("study_id");
        return copy;
    }
}
