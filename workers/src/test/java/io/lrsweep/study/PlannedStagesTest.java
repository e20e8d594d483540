package io.lrsweep.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannedStagesTest {
    private static StudyConfig study(Map<String, Object> overrides) {
        return StudyResolver.resolve(Map.of("preset", "synthetic-quick", "overrides", overrides), "s");
    }

    private static Map<String, Integer> totals(PlannedStages p) {
        var m = new LinkedHashMap<String, Integer>();
        p.stages().forEach(s -> m.put(s.stage(), s.total()));
        return m;
    }

    @Test
    void everySyntheticBranchPlansOnePretrainOneFinetuneOneAverageAndOneAnalysis() {
        StudyConfig c = study(Map.of("plrs", List.of(1e-3, 1e-2, 0.1), "seeds", 2, "flrs", List.of(3.16e-5, 7.5e-3),
                "swaKs", List.of(2, 5, 10), "convergenceBudget", 0, "twoStage", false));
        PlannedStages p = PlannedStages.of(c);
        assertThat(totals(p)).containsExactly(Map.entry("plan", 1), Map.entry("pretrain", 6), Map.entry("finetune", 6),
                Map.entry("average", 6), Map.entry("analyze", 6), Map.entry("refine", 1), Map.entry("baselines", 1),
                Map.entry("converge", 0), Map.entry("two_stage", 0), Map.entry("report", 1));
        assertThat(p.stages()).allMatch(PlannedStages.Planned::exact);
    }

    @Test
    void anImageBranchPlansOneFinetunePerFlr() {
        StudyConfig c = StudyResolver.resolve(Map.of("preset", "fashion-mnist-si-convnet-quick"), "s");
        assertThat(c.seeds()).isGreaterThan(1);
        assertThat(totals(PlannedStages.of(c))).containsEntry("finetune", c.plrs().size() * c.seeds() * c.flrs().size())
                .containsEntry("average", c.plrs().size() * c.seeds());
    }

    @Test
    void theBaselineRunsAreBoundsUntilTheirPlanIsKnown() {
        StudyConfig c = study(Map.of("plrs", List.of(1e-3, 1e-2, 0.1, 1.0), "seeds", 3, "convergenceBudget", 2,
                "twoStage", true));
        PlannedStages bound = PlannedStages.of(c);
        assertThat(bound.stages()).filteredOn(s -> s.stage().equals("converge")).singleElement()
                .isEqualTo(new PlannedStages.Planned("converge", 9, false));
        assertThat(bound.stages()).filteredOn(s -> s.stage().equals("two_stage")).singleElement()
                .isEqualTo(new PlannedStages.Planned("two_stage", 3, false));

        PlannedStages known = bound.withBaselines(6, 0);
        assertThat(totals(known)).containsEntry("converge", 6).containsEntry("two_stage", 0)
                .containsEntry("pretrain", 12);
        assertThat(known.stages()).allMatch(PlannedStages.Planned::exact);
    }

    @Test
    void refinementAddsAtMostRoundsTimesPointsPlrsAndOneStepPerRoundPlusTheLast() {
        StudyConfig c = StudyResolver.resolve(Map.of("preset", "synthetic-adaptive", "overrides",
                Map.of("seeds", 2, "refine", Map.of("rounds", 3, "points", 2))), "s");
        PlannedStages p = PlannedStages.of(c);
        int coarse = c.plrs().size() * 2;
        assertThat(p.stages()).filteredOn(s -> s.stage().equals("pretrain")).singleElement()
                .isEqualTo(new PlannedStages.Planned("pretrain", coarse + 3 * 2 * 2, false));
        assertThat(p.stages()).filteredOn(s -> s.stage().equals("refine")).singleElement()
                .isEqualTo(new PlannedStages.Planned("refine", 4, false));
    }

    @Test
    void fewerPlrsThanThreeBoundTheConvergenceRunsByThePlrs() {
        StudyConfig c = study(Map.of("plrs", List.of(1e-3, 1e-2), "seeds", 2, "convergenceBudget", 1));
        assertThat(totals(PlannedStages.of(c))).containsEntry("converge", 4);
    }
}
