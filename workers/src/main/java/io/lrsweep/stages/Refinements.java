package io.lrsweep.stages;

import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.RefineRound;
import io.lrsweep.study.StudyConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The rounds of adaptive refinement recorded in a study's store, and what they add to its grid. */
public final class Refinements {
    static final String ROUND = "round.json";

    private Refinements() {
    }

    /**
     * Rounds 1, 2, … up to {@code maxRounds} as recorded, ending before the first one that is not:
     * a round is recorded before its branches run, so a later round cannot exist without it.
     */
    public static List<RefineRound> read(ArtifactStore store, String studyId, int maxRounds) throws IOException {
        List<RefineRound> rounds = new ArrayList<>();
        for (int round = 1; round <= maxRounds; round++) {
            StageDirectory dir = new StageDirectory(store, StudyLayout.refineRound(studyId, round));
            Optional<Manifest> m = dir.manifest();
            if (m.isEmpty()) {
                break;
            }
            rounds.add(Json.read(dir.readVerified(m.get(), ROUND), RefineRound.class));
        }
        return rounds;
    }

    /** The study with the PLRs of {@code rounds} after its coarse grid, in the order they were added. */
    static StudyConfig withRounds(StudyConfig coarse, List<RefineRound> rounds) {
        List<Double> grid = new ArrayList<>(coarse.plrs());
        rounds.forEach(r -> grid.addAll(r.plrs()));
        return coarse.withPlrs(grid);
    }

    /** The round that added each PLR of the grid: 0 for the coarse grid. */
    static Map<Double, Integer> roundOf(StudyConfig coarse, List<RefineRound> rounds) {
        Map<Double, Integer> of = new LinkedHashMap<>();
        coarse.plrs().forEach(p -> of.put(p, 0));
        rounds.forEach(r -> r.plrs().forEach(p -> of.putIfAbsent(p, r.round())));
        return of;
    }
}
