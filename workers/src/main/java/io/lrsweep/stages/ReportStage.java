package io.lrsweep.stages;

import io.lrsweep.report.ReportCharts;
import io.lrsweep.report.ReportLinks;
import io.lrsweep.report.ReportPages;
import io.lrsweep.report.ReportProvenance;
import io.lrsweep.report.StudyAggregation;
import io.lrsweep.report.StudyReport;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.StudyConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Gathers every branch's analysis and writes {@code report/}: results.json, results.csv, figures, index.html. */
public final class ReportStage {
    public static final String NAME = "report";
    private final ArtifactStore store;
    private final ComputeContext compute;
    private final ReportLinks links;

    /** A report without links out (see the other constructor). */
    public ReportStage(ArtifactStore store, ComputeContext compute) {
        this(store, compute, ReportLinks.NONE);
    }

    /**
     * @param compute where a lost analysis is recomputed
     * @param links   where the page links to the study's workflow and dashboards
     */
    public ReportStage(ArtifactStore store, ComputeContext compute, ReportLinks links) {
        this.store = store;
        this.compute = compute;
        this.links = links;
    }

    /** The report of a study whose workflow is not known here. */
    public StageOutcome run(String studyId, boolean force, StageProgress progress) throws IOException {
        return run(studyId, null, force, progress);
    }

    /**
     * Writes the report unless an up-to-date one exists. The links are not part of the fingerprint
     * (the science revision is, the project version is not): they change no number, and
     * {@code force} rewrites the page.
     *
     * @param workflowId the study's workflow, for the link to it; null when not known
     */
    public StageOutcome run(String studyId, String workflowId, boolean force, StageProgress progress)
            throws IOException {
        StudyConfig c = Studies.load(store, studyId);
        StudyAnalyses analyses = StudyAnalyses.read(store, compute, c, progress);
        Baselines.Measured baselines = Baselines.read(store, compute, c, progress);
        StageDirectory dir = new StageDirectory(store, StudyLayout.report(studyId));
        Map<String, Object> inputs = analyses.inputs(NAME, c);
        inputs.put("baselines", baselines.contentHashes());
        Map<Double, Integer> roundOf = rounds(studyId);
        if (!roundOf.isEmpty()) {
            inputs.put("rounds", roundOf);
        }
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, fingerprint, Reuse.of(force));
        if (cached.isPresent()) {
            return cached.get();
        }
        StudyReport report = StudyAggregation.aggregate(c, analyses.branches(), baselines.convergence(),
                baselines.twoStage(), roundOf);
        List<String> names = new ArrayList<>();
        Map<String, String> captions = new LinkedHashMap<>();
        for (var e : ReportCharts.all(report).entrySet()) {
            // Uploaded while the next figure is drawn; the commit waits for them.
            dir.writeInBackground("figures/" + e.getKey(), e.getValue().png());
            names.add("figures/" + e.getKey());
            captions.put(e.getKey(), e.getValue().caption());
        }
        dir.write("results.json", Json.bytes(report));
        dir.write("results.csv", ReportPages.csv(report).getBytes(StandardCharsets.UTF_8));
        dir.write("index.html", ReportPages.html(report, captions,
                new ReportProvenance(c, workflowId, links, CodeVersion.full())).getBytes(StandardCharsets.UTF_8));
        names.addAll(List.of("results.json", "results.csv", "index.html"));
        var s = report.summary();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("thresholdPlr", s.thresholdPlr());
        metrics.put("lastConvergedPlr", s.lastConvergedPlr());
        metrics.put("band2a", s.band2a());
        metrics.put("bestFinetunePlr", s.bestFinetune().plr());
        metrics.put("bestFinetuneTestAccuracy", s.bestFinetune().testAccuracy());
        metrics.put("bestAveragePlr", s.bestAverage().plr());
        metrics.put("bestAverageTestAccuracy", s.bestAverage().testAccuracy());
        metrics.put("bestPretrainTestAccuracy", s.bestPretrain().testAccuracy());
        metrics.put("index", dir.key("index.html"));
        Manifest m = dir.commit(NAME, fingerprint, inputs, names, metrics, CodeVersion.full());
        progress.log("report written to " + dir.key("index.html"));
        return StageCache.outcome(dir, m, false);
    }

    /**
     * The workflow a study's own report task names on the page: its workflow when the study is
     * named after it (the default, kept by a resume, which retries in place), else none. Two
     * workflows may run one named study (submitted twice, or at once); the page's bytes must not
     * depend on which of them writes it, as its fingerprint does not, or a report written by both
     * at once could be stored with the other's manifest.
     */
    public static String workflowOnPage(String studyId, String workflowId) {
        return studyId.equals(workflowId) ? workflowId : null;
    }

    /** The refinement round of each PLR; empty when refinement is off. */
    private Map<Double, Integer> rounds(String studyId) throws IOException {
        StudyConfig written = Studies.loadAsWritten(store, studyId);
        if (written.refine() == null) {
            return Map.of();
        }
        return Refinements.roundOf(written, Refinements.read(store, studyId, written.refine().rounds()));
    }
}
