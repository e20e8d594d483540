package io.lrsweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrsweep.TinyStudy;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.AnalyzeStage;
import io.lrsweep.stages.AverageStage;
import io.lrsweep.stages.FinetuneStage;
import io.lrsweep.stages.PlanStage;
import io.lrsweep.stages.PretrainStage;
import io.lrsweep.stages.ReportStage;
import io.lrsweep.stages.StageProgress;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.study.StudyPlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * list and compare on a store where the stages wrote two tiny studies with different PLR grids
 * (both reported) and planned a third (no branch analysed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListAndCompareTest {
    @TempDir
    static Path root;
    private FileSystemArtifactStore store;

    @BeforeAll
    void twoReportedStudiesAndOnePlanned() throws Exception {
        store = new FileSystemArtifactStore(root.resolve("store"));
        try (ComputeContext compute = ComputeContext.cpu(root.resolve("datasets"))) {
            run(compute, "wide", List.of(1e-3, 0.1));
            run(compute, "narrow", List.of(1e-3, 3e-3));
        }
        new PlanStage(store).run(TinyStudy.input("planned", Map.of("plrs", List.of(1e-3, 0.1, 1.0))), "wf", false);
    }

    private void run(ComputeContext compute, String id, List<Double> plrs) throws Exception {
        StudyPlan plan = new PlanStage(store).run(TinyStudy.input(id, Map.of("plrs", plrs, "sharpnessProbes", 0,
                "convergenceBudget", 0, "twoStage", false)), "wf", false);
        for (StudyPlan.BranchPlan b : plan.branches()) {
            new PretrainStage(store, compute).run(id, b.plr(), b.seed(), false, StageProgress.NONE);
            for (double flr : b.flrs()) {
                new FinetuneStage(store, compute).run(id, b.plr(), b.seed(), flr, false, StageProgress.NONE);
            }
            for (int k : b.swaKs()) {
                new AverageStage(store, compute).run(id, b.plr(), b.seed(), k, false, StageProgress.NONE);
            }
            new AnalyzeStage(store, compute).run(id, b.plr(), b.seed(), false, StageProgress.NONE);
        }
        new ReportStage(store, compute).run(id, false, StageProgress.NONE);
    }

    @Test
    void theStoreListsEveryStudyWithItsStatusAndFindings() throws Exception {
        assertThat(StudySummary.ids(store)).containsExactly("narrow", "planned", "wide");
        StudySummary wide = StudySummary.read(store, "wide");
        StudySummary planned = StudySummary.read(store, "planned");
        assertThat(wide.status()).isEqualTo("reported");
        assertThat(wide.started()).isNotNull();
        assertThat(wide.bestFinetune()).isPresent();
        assertThat(planned.status()).isEqualTo("no report, 0/3 branches analysed");

        String table = ListCommand.table(List.of(wide, planned, StudySummary.read(store, "narrow")));
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("id").contains("preset", "status", "best FT", "best SWA", "threshold PLR");
        String wideLine = lines.stream().filter(l -> l.startsWith("wide ")).findFirst().orElseThrow();
        double bestFt = wide.bestFinetune().orElseThrow().get("test_accuracy").asDouble();
        assertThat(wideLine).contains("synthetic-quick", "reported", String.format("%.4f @ ", bestFt));
        assertThat(lines.stream().filter(l -> l.startsWith("planned ")).findFirst().orElseThrow())
                .contains("0/3 analysed");
    }

    @Test
    void compareShowsBothSummariesAndTheUnionOfThePlrsBlankWhereAStudyLacksOne() throws Exception {
        StudySummary wide = StudySummary.read(store, "wide");
        StudySummary narrow = StudySummary.read(store, "narrow");
        String out = CompareCommand.compare(wide, narrow);
        assertThat(out).contains("A wide", "B narrow", "threshold PLR", "2A band", "best FT", "best SWA");
        List<String> rows = out.lines().dropWhile(l -> !l.startsWith("PLR")).skip(1).toList();
        assertThat(rows).extracting(r -> r.split("\\s+")[0]).containsExactly("0.001", "0.003", "0.1");
        String shared = rows.get(0);
        String onlyNarrow = rows.get(1);
        String onlyWide = rows.get(2);
        double widePre = wide.perPlr().get(1e-3).pretrain().orElseThrow();
        double narrowPre = narrow.perPlr().get(1e-3).pretrain().orElseThrow();
        assertThat(shared).contains(String.format("%.4f", widePre)).contains(String.format("%.4f", narrowPre));
        // Blank on the side that lacks the PLR: the A half of 0.003 and the B half of 0.1 have no number.
        assertThat(onlyNarrow.split("\\|")[1]).isBlank();
        assertThat(onlyNarrow.split("\\|")[2]).matches(".*\\d\\.\\d{4}.*");
        assertThat(onlyWide.split("\\|")[1]).matches(".*\\d\\.\\d{4}.*");
        assertThat(onlyWide).endsWith("|");
    }
}
