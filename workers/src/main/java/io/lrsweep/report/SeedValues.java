package io.lrsweep.report;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One quantity of a PLR, seed by seed (serialised as {@code {"seed": value}}), with the mean and
 * the sample standard deviation the report shows as mean ± std.
 */
public record SeedValues(SortedMap<Integer, Double> bySeed) {
    public SeedValues {
        if (bySeed.isEmpty()) {
            throw new IllegalArgumentException("a seed spread needs at least one seed");
        }
        bySeed = Collections.unmodifiableSortedMap(new TreeMap<>(bySeed));
    }

    @JsonValue
    Map<String, Double> json() {
        return bySeed.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue,
                (a, b) -> a, LinkedHashMap::new));
    }

    public int count() {
        return bySeed.size();
    }

    public double get(int seed) {
        Double v = bySeed.get(seed);
        if (v == null) {
            throw new IllegalArgumentException("no value for seed " + seed + " (seeds " + bySeed.keySet() + ")");
        }
        return v;
    }

    public double mean() {
        return bySeed.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /** The sample standard deviation (n − 1); 0 for one seed, which has no spread to show. */
    public double std() {
        int n = bySeed.size();
        if (n < 2) {
            return 0.0;
        }
        double m = mean();
        double ss = bySeed.values().stream().mapToDouble(v -> (v - m) * (v - m)).sum();
        return Math.sqrt(ss / (n - 1));
    }

    /** {@code 0.8310 ± 0.0040 (0.8270, 0.8330, 0.8340)}, or the one value when there is one seed. */
    public String describe(String format) {
        if (bySeed.size() == 1) {
            return String.format(Locale.ROOT, format, mean());
        }
        List<String> each = bySeed.values().stream().map(v -> String.format(Locale.ROOT, format, v)).toList();
        return String.format(Locale.ROOT, format + " ± " + format, mean(), std()) + " (" + String.join(", ", each)
                + ")";
    }
}
