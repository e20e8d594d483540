package io.lrsweep.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A claimed effect measured seed by seed: {@code a − b} for each seed both sides have. It supports
 * the claim (yes) when its mean is above zero and so is it for most seeds, contradicts it (no)
 * when neither holds, and is inconclusive when the mean and the seeds disagree. Pairing by seed
 * takes out what a seed shares across PLRs (its initialisation and, in the synthetic study, its
 * data).
 */
record SeedDifference(SortedMap<Integer, Double> bySeed) {
    SeedDifference {
        bySeed = new TreeMap<>(bySeed);
    }

    static SeedDifference of(SeedValues a, SeedValues b) {
        SortedMap<Integer, Double> d = new TreeMap<>();
        a.bySeed().forEach((seed, v) -> {
            Double w = b.bySeed().get(seed);
            if (w != null) {
                d.put(seed, v - w);
            }
        });
        return new SeedDifference(d);
    }

    /** Seeds where the effect shows (strictly above zero). */
    int above() {
        return (int) bySeed.values().stream().filter(v -> v > 0).count();
    }

    double mean() {
        return bySeed.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    String verdict() {
        int n = bySeed.size();
        if (n == 0) {
            return StudyReport.Claim.INCONCLUSIVE;
        }
        if (mean() > 0 && 2 * above() > n) {
            return StudyReport.Claim.YES;
        }
        if (mean() <= 0 && 2 * above() < n) {
            return StudyReport.Claim.NO;
        }
        return StudyReport.Claim.INCONCLUSIVE;
    }

    /** {@code +0.49, +0.20, −0.10 pt; 2 of 3 seeds above 0}, the values times {@code scale}. */
    String describe(double scale, String unit) {
        List<String> each = new ArrayList<>();
        bySeed.values().forEach(v -> each.add(String.format(Locale.ROOT, "%+.2f", v * scale)));
        return String.format(Locale.ROOT, "per seed %s%s (mean %+.2f); %d of %d seeds above 0", String.join(", ", each),
                unit, mean() * scale, above(), bySeed.size());
    }

    /** Both effects must hold for yes, and both fail for no. */
    static String both(String a, String b) {
        if (a.equals(b)) {
            return a;
        }
        return StudyReport.Claim.INCONCLUSIVE;
    }
}
