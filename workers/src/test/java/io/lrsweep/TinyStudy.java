package io.lrsweep;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Study inputs small enough for tests: the synthetic-quick preset with one seed, two FLRs, two K and short training. */
public final class TinyStudy {
    private TinyStudy() {
    }

    /**
     * The workflow input of a tiny study; {@code overrides} replace or add study fields.
     *
     * @param studyId the study id, or null for the default (the workflow id)
     */
    public static Map<String, Object> input(String studyId, Map<String, Object> overrides) {
        Map<String, Object> o = new HashMap<>();
        o.put("seeds", 1);
        o.put("pretrainIterations", 1000);
        o.put("finetuneIterations", 300);
        o.put("swaKs", List.of(2, 5));
        o.put("geometryK", 5);
        o.put("testSize", 300);
        o.put("singleFeatureSize", 100);
        // The geometry pair only, and a few sharpness probes: the same code paths at a tenth of the cost.
        o.put("flrs", List.of(3.16e-5, 7.5e-3));
        o.put("sharpnessProbes", 10);
        o.put("sharpnessIterations", 10);
        o.putAll(overrides);
        Map<String, Object> in = new HashMap<>();
        in.put("preset", "synthetic-quick");
        in.put("overrides", o);
        if (studyId != null) {
            in.put("studyId", studyId);
        }
        return in;
    }
}
