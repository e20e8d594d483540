package io.lrsweep.stages;

import io.lrsweep.report.RefineChoice;
import io.lrsweep.report.StudyAggregation;
import io.lrsweep.report.StudyReport;
import io.lrsweep.science.Regime;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.InvalidStudyException;
import io.lrsweep.study.RefineRound;
import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyPlan;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One round of adaptive refinement: classifies the PLRs measured so far (the coarse grid and the
 * earlier rounds), chooses the round's PLRs ({@link RefineChoice}) and records them in
 * {@code refine/round=N} before their branches run, so that those branches' stages find their PLR
 * in the study.
 */
public final class RefineStage {
    public static final String NAME = "refine";
    private final ArtifactStore store;
    private final ComputeContext compute;

    /** What a round decided: the round, its branches, and whether another round follows it. */
    public record Decided(RefineRound round, StudyPlan branches, boolean nextRound) {
    }

    /** @param compute where a lost analysis is recomputed */
    public RefineStage(ArtifactStore store, ComputeContext compute) {
        this.store = store;
        this.compute = compute;
    }

    /**
     * Round {@code round} (from 1) of the study. With refinement off, or past the rounds asked for,
     * a round that adds nothing and is not recorded: the workflow's chain has a step for the most
     * rounds any study may ask for, and the steps past a study's own are skipped this way.
     */
    public Decided run(String studyId, int round, boolean force, StageProgress progress) throws IOException {
        if (round < 1) {
            throw new InvalidStudyException("round", round + ": refinement rounds count from 1");
        }
        StudyConfig written = Studies.loadAsWritten(store, studyId);
        if (written.refine() == null || round > written.refine().rounds()) {
            RefineRound none = new RefineRound(round, List.of(), null, null, written.refine() == null
                    ? "refinement is off" : "the " + written.refine().rounds() + " rounds asked for are done");
            return new Decided(none, StudyPlan.of(written, List.of(), force), false);
        }
        int last = round - 1;
        List<RefineRound> earlier = Refinements.read(store, studyId, last);
        if (earlier.size() < last) {
            throw new IOException("refinement round " + round + " of study " + studyId + " needs round "
                    + (earlier.size() + 1) + ", which is not recorded");
        }
        StudyConfig sofar = Refinements.withRounds(written, earlier);
        StudyAnalyses analyses = StudyAnalyses.read(store, compute, sofar, progress);
        StageDirectory dir = new StageDirectory(store, StudyLayout.refineRound(studyId, round));
        Map<String, Object> inputs = analyses.inputs(NAME, sofar);
        inputs.put("round", round);
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, fingerprint, Reuse.of(force));
        RefineRound decided;
        if (cached.isPresent()) {
            decided = Json.read(PointLoader.finished(store, dir.prefix(), NAME).read(Refinements.ROUND),
                    RefineRound.class);
        } else {
            StudyReport sweep = StudyAggregation.aggregate(sofar, analyses.branches(), List.of(), List.of());
            Map<Double, Regime> regimes = new TreeMap<>();
            sweep.perPlr().forEach(r -> regimes.put(r.plr(), Regime.fromLabel(r.regime())));
            decided = RefineChoice.next(round, written.plrs(), written.refine(), regimes);
            dir.write(Refinements.ROUND, Json.bytes(decided));
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("round", round);
            metrics.put("plrs", decided.plrs());
            metrics.put("reason", decided.reason());
            Manifest m = dir.commit(NAME, fingerprint, inputs, List.of(Refinements.ROUND), metrics,
                    CodeVersion.full());
            progress.log("refinement round " + round + ": " + (decided.plrs().isEmpty() ? "no PLRs, "
                    : "PLRs " + decided.plrs() + ", ") + decided.reason() + " (manifest "
                    + m.fingerprint().substring(0, 12) + ")");
        }
        boolean next = !decided.plrs().isEmpty() && round < written.refine().rounds();
        StudyConfig withRound = Refinements.withRounds(sofar, List.of(decided));
        return new Decided(decided, StudyPlan.of(withRound, decided.plrs(), force), next);
    }
}
