package io.lrsweep.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The regime each seed of a PLR would get on its own, and how many agree with the PLR's regime
 * (which is decided by the typical seed).
 */
public record SeedRegimes(@JsonIgnore String regime, @JsonIgnore SortedMap<Integer, String> bySeed) {
    public SeedRegimes {
        bySeed = new TreeMap<>(bySeed);
    }

    @JsonProperty("agree")
    public int agree() {
        return (int) bySeed.values().stream().filter(regime::equals).count();
    }

    @JsonProperty("of")
    public int of() {
        return bySeed.size();
    }

    @JsonProperty("per_seed")
    Map<String, String> perSeed() {
        Map<String, String> out = new LinkedHashMap<>();
        bySeed.forEach((seed, r) -> out.put(seed.toString(), r));
        return out;
    }
}
