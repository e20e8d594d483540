package io.lrsweep.study;

import java.util.List;

/**
 * One round of adaptive refinement as recorded in the store: its number (the coarse grid is round
 * 0), the PLRs it added (none when it stopped the refinement), the bracket it refined (the last
 * converging PLR and the first 2B or non-converging PLR above it; null when there was none), and
 * why it added what it added.
 */
public record RefineRound(int round, List<Double> plrs, Double lowerEdge, Double upperEdge, String reason) {
    public RefineRound {
        plrs = List.copyOf(plrs);
    }
}
