package io.lrsweep.report;

import static io.lrsweep.science.Regime.CHAOTIC_2A;
import static io.lrsweep.science.Regime.CHAOTIC_2B;
import static io.lrsweep.science.Regime.CONVERGENCE;
import static io.lrsweep.science.Regime.DIVERGENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lrsweep.science.Regime;
import io.lrsweep.study.Refine;
import io.lrsweep.study.RefineRound;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefineChoiceTest {
    /** Five PLRs a decade apart: the mean coarse step is one decade. */
    private static final List<Double> COARSE = List.of(1e-4, 1e-3, 1e-2, 0.1, 1.0);

    private static Map<Double, Regime> regimes(Object... plrAndRegime) {
        Map<Double, Regime> m = new LinkedHashMap<>();
        for (int i = 0; i < plrAndRegime.length; i += 2) {
            m.put((Double) plrAndRegime[i], (Regime) plrAndRegime[i + 1]);
        }
        return m;
    }

    private static Map<Double, Regime> coarse(Regime... each) {
        Map<Double, Regime> m = new LinkedHashMap<>();
        for (int i = 0; i < each.length; i++) {
            m.put(COARSE.get(i), each[i]);
        }
        return m;
    }

    @Test
    void pointsAreLogSpacedBetweenTheLastConvergingPlrAndTheFirst2bPlr() {
        RefineRound r = RefineChoice.next(1, COARSE, new Refine(2, 3),
                coarse(CONVERGENCE, CONVERGENCE, CHAOTIC_2B, DIVERGENCE, DIVERGENCE));
        assertThat(r.lowerEdge()).isEqualTo(1e-3);
        assertThat(r.upperEdge()).isEqualTo(1e-2);
        // Quarter decades between 1e-3 and 1e-2, three significant digits.
        assertThat(r.plrs()).containsExactly(1.78e-3, 3.16e-3, 5.62e-3);
        assertThat(r.round()).isEqualTo(1);
    }

    @Test
    void withoutA2bPlrTheBracketEndsAtTheFirstNonConvergingPlr() {
        RefineRound r = RefineChoice.next(1, COARSE, new Refine(2, 1),
                coarse(CONVERGENCE, CONVERGENCE, CONVERGENCE, CHAOTIC_2A, DIVERGENCE));
        assertThat(r.lowerEdge()).isEqualTo(1e-2);
        assertThat(r.upperEdge()).isEqualTo(0.1);
        assertThat(r.plrs()).containsExactly(3.16e-2);

        RefineRound straightToDivergence = RefineChoice.next(1, COARSE, new Refine(2, 1),
                coarse(CONVERGENCE, CONVERGENCE, DIVERGENCE, DIVERGENCE, DIVERGENCE));
        assertThat(straightToDivergence.upperEdge()).isEqualTo(1e-2);
        assertThat(straightToDivergence.plrs()).containsExactly(3.16e-3);
    }

    @Test
    void a2bPlrBeyondTheFirstNonConvergingOneClosesTheBracketAndBothChangesOfRegimeGetPoints() {
        // 1 | 2A | 2A | 2B: the threshold (1|2A) and the band's top (2A|2B) are both open.
        RefineRound r = RefineChoice.next(1, COARSE, new Refine(3, 2),
                coarse(CONVERGENCE, CHAOTIC_2A, CHAOTIC_2A, CHAOTIC_2B, DIVERGENCE));
        assertThat(r.lowerEdge()).isEqualTo(1e-4);
        assertThat(r.upperEdge()).isEqualTo(0.1);
        // One point in each change of regime (each a decade wide), none between the two 2A PLRs.
        assertThat(r.plrs()).containsExactly(3.16e-4, 3.16e-2);
    }

    @Test
    void laterRoundsCloseInOnTheChangesLeft() {
        Refine refine = new Refine(3, 1);
        Map<Double, Regime> measured = coarse(CONVERGENCE, CONVERGENCE, CHAOTIC_2B, DIVERGENCE, DIVERGENCE);
        RefineRound first = RefineChoice.next(1, COARSE, refine, measured);
        assertThat(first.plrs()).containsExactly(3.16e-3);
        measured.put(3.16e-3, CONVERGENCE);
        RefineRound second = RefineChoice.next(2, COARSE, refine, measured);
        assertThat(second.lowerEdge()).isEqualTo(3.16e-3);
        assertThat(second.plrs()).containsExactly(5.62e-3);
        measured.put(5.62e-3, CHAOTIC_2A);
        // 1 at 3.16e-3, 2A at 5.62e-3, 2B at 1e-2: two changes of regime, one point, which goes to
        // the wider (log10 1e-2/5.62e-3 = 0.2503 > log10 5.62e-3/3.16e-3 = 0.2500).
        RefineRound third = RefineChoice.next(3, COARSE, refine, measured);
        assertThat(third.upperEdge()).isEqualTo(1e-2);
        assertThat(third.plrs()).containsExactly(7.5e-3);
    }

    @Test
    void edgesOneFinestStepApartStopTheRefinement() {
        Refine refine = new Refine(2, 1);
        // Mean coarse step one decade, two rounds of one point: the finest step is a quarter decade.
        assertThat(RefineChoice.finestStep(COARSE, refine)).isCloseTo(0.25, within(1e-12));
        Map<Double, Regime> measured = regimes(1e-4, CONVERGENCE, 1e-3, CONVERGENCE, 1.78e-3, CONVERGENCE,
                3.16e-3, CHAOTIC_2B, 1e-2, CHAOTIC_2B, 0.1, DIVERGENCE, 1.0, DIVERGENCE);
        RefineRound r = RefineChoice.next(1, COARSE, refine, measured);
        assertThat(r.plrs()).isEmpty();
        assertThat(r.lowerEdge()).isEqualTo(1.78e-3);
        assertThat(r.upperEdge()).isEqualTo(3.16e-3);
        assertThat(r.reason()).contains("finest step");

        // Half a decade apart (two finest steps): still open.
        Map<Double, Regime> open = regimes(1e-4, CONVERGENCE, 1e-3, CONVERGENCE, 3.16e-3, CHAOTIC_2B,
                1e-2, CHAOTIC_2B, 0.1, DIVERGENCE, 1.0, DIVERGENCE);
        assertThat(RefineChoice.next(1, COARSE, refine, open).plrs()).containsExactly(1.78e-3);
    }

    @Test
    void noRoundBeyondTheRoundsAskedFor() {
        Refine refine = new Refine(2, 1);
        Map<Double, Regime> open = coarse(CONVERGENCE, CONVERGENCE, CHAOTIC_2B, DIVERGENCE, DIVERGENCE);
        assertThat(RefineChoice.next(2, COARSE, refine, open).plrs()).isNotEmpty();
        RefineRound third = RefineChoice.next(3, COARSE, refine, open);
        assertThat(third.plrs()).isEmpty();
        assertThat(third.reason()).contains("2 rounds");
    }

    @Test
    void withoutAConvergingPlrOrANonConvergingOneAboveItThereIsNothingToRefine() {
        Refine refine = new Refine(2, 2);
        RefineRound none = RefineChoice.next(1, COARSE, refine,
                coarse(CHAOTIC_2A, CHAOTIC_2B, DIVERGENCE, DIVERGENCE, DIVERGENCE));
        assertThat(none.plrs()).isEmpty();
        assertThat(none.lowerEdge()).isNull();
        RefineRound all = RefineChoice.next(1, COARSE, refine,
                coarse(CONVERGENCE, CONVERGENCE, CONVERGENCE, CONVERGENCE, CONVERGENCE));
        assertThat(all.plrs()).isEmpty();
        assertThat(all.lowerEdge()).isEqualTo(1.0);
        assertThat(all.upperEdge()).isNull();
    }

    @Test
    void aPointThatRoundsOntoAMeasuredPlrIsNotAddedAgain() {
        // Coarse 1e-2, 0.126 (one step of 1.1 decades), 5 rounds of 3 points: 0.0011 decades asked
        // for, finer than three digits tell apart; the gap 1e-2 … 1.01e-2 has points that round to its edges.
        Refine refine = new Refine(5, 3);
        Map<Double, Regime> measured = regimes(1e-2, CONVERGENCE, 1.01e-2, CHAOTIC_2B, 0.126, DIVERGENCE);
        RefineRound r = RefineChoice.next(1, List.of(1e-2, 0.126), refine, measured);
        assertThat(r.plrs()).doesNotContainAnyElementsOf(measured.keySet()).doesNotHaveDuplicates();
    }
}
