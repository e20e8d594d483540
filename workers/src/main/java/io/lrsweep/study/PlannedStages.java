package io.lrsweep.study;

import java.util.ArrayList;
import java.util.List;

/**
 * How many executions of each stage a study makes, in the workflow's order: known from its plan,
 * except what refinement adds (bounds: a round may add fewer PLRs, or stop early) and the
 * baselines' runs, which are bounds until the baseline plan has chosen them.
 */
public record PlannedStages(List<Planned> stages) {
    public PlannedStages {
        stages = List.copyOf(stages);
    }

    /** One stage and its executions: {@code exact} false when {@code total} is an upper bound. */
    public record Planned(String stage, int total, boolean exact) {
    }

    /** No plan known (the study's input could not be read): totals come from the counts alone. */
    public static PlannedStages unknown() {
        return new PlannedStages(List.of());
    }

    /**
     * The stages of {@code c}: per branch one pre-training, one fine-tuning per group of FLRs
     * ({@link SetupKind#finetuneTasks}), one averaging for all Ks and one analysis, the branches
     * of refinement's rounds included (at most {@code rounds × points} PLRs); plan, baseline plan
     * and report once; one refinement step, and with refinement one per round plus the one that
     * stops; training to convergence at no more than three PLRs per seed and two-stage
     * pre-training once per seed (see {@code BaselineChoice}).
     */
    public static PlannedStages of(StudyConfig c) {
        int coarse = StudyPlan.of(c, false).branches().size();
        Refine refine = c.refine();
        int refined = refine == null ? 0 : refine.rounds() * refine.points() * (coarse / c.plrs().size());
        int branches = coarse + refined;
        boolean exact = refined == 0;
        List<Planned> s = new ArrayList<>();
        s.add(new Planned("plan", 1, true));
        s.add(new Planned("pretrain", branches, exact));
        s.add(new Planned("finetune", branches * c.kind().finetuneTasks(c.flrs()).size(), exact));
        s.add(new Planned("average", branches, exact));
        s.add(new Planned("analyze", branches, exact));
        s.add(refine == null ? new Planned("refine", 1, true)
                : new Planned("refine", Math.min(refine.rounds() + 1, Refine.MAX_ROUNDS), false));
        s.add(new Planned("baselines", 1, true));
        int converge = c.convergenceBudget() > 0 ? Math.min(3, c.plrs().size()) * c.seeds() : 0;
        s.add(new Planned("converge", converge, converge == 0));
        int twoStage = c.twoStage() ? c.seeds() : 0;
        s.add(new Planned("two_stage", twoStage, twoStage == 0));
        s.add(new Planned("report", 1, true));
        return new PlannedStages(s);
    }

    /** The same plan with the baseline runs the baseline plan chose (exact totals for those two). */
    public PlannedStages withBaselines(int converge, int twoStage) {
        List<Planned> s = new ArrayList<>();
        for (Planned p : stages) {
            s.add(switch (p.stage()) {
                case "converge" -> new Planned("converge", converge, true);
                case "two_stage" -> new Planned("two_stage", twoStage, true);
                default -> p;
            });
        }
        return new PlannedStages(s);
    }
}
