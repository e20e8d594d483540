package io.lrsweep.report;

import io.lrsweep.science.Regime;
import io.lrsweep.study.BaselinePlan;
import io.lrsweep.study.StudyConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Which baselines a study runs, chosen from its sweep's regimes (study-spec §6): training to
 * convergence at the last converging PLR and the first two PLRs above it; two-stage pre-training
 * with the first 2B PLR above the 2A PLR and then the 2A PLR where fine-tuning was best (or the
 * PLRs the study names).
 */
public final class BaselineChoice {
    private BaselineChoice() {
    }

    public static BaselinePlan of(StudyConfig c, StudyReport sweep) {
        List<StudyReport.PlrRow> rows = sweep.perPlr();
        List<BaselinePlan.ConvergeRun> converge = new ArrayList<>();
        if (c.convergenceBudget() > 0) {
            Double last = sweep.summary().lastConvergedPlr();
            int from = 0;
            for (int i = 0; i < rows.size(); i++) {
                if (last != null && rows.get(i).plr() == last) {
                    from = i;
                }
            }
            int to = Math.min(rows.size(), from + (last == null ? 2 : 3));
            for (StudyReport.PlrRow row : rows.subList(from, to)) {
                for (int seed = 0; seed < c.seeds(); seed++) {
                    converge.add(new BaselinePlan.ConvergeRun(row.plr(), seed));
                }
            }
        }
        return new BaselinePlan(converge, twoStage(c, sweep), c.seeds());
    }

    private static BaselinePlan.TwoStage twoStage(StudyConfig c, StudyReport sweep) {
        if (!c.twoStage()) {
            return null;
        }
        if (!c.twoStagePlrs().isEmpty()) {
            return new BaselinePlan.TwoStage(c.twoStagePlrs().get(0), c.twoStagePlrs().get(1));
        }
        List<StudyReport.PlrRow> rows = sweep.perPlr();
        StudyReport.Best bestFt = sweep.summary().bestFinetune();
        Double second = null;
        for (StudyReport.PlrRow row : rows) {
            if (row.regime().equals(Regime.CHAOTIC_2A.label()) && (second == null || row.plr() == bestFt.plr())) {
                second = row.plr();
            }
        }
        if (second == null) {
            return null;
        }
        for (StudyReport.PlrRow row : rows) {
            if (row.plr() > second && row.regime().equals(Regime.CHAOTIC_2B.label())) {
                return new BaselinePlan.TwoStage(row.plr(), second);
            }
        }
        return null;
    }
}
