package io.lrsweep;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Image study inputs small enough for tests on 2 CPU cores: the Fashion-MNIST quick preset with a
 * width-2 SI ConvNet, a few hundred images and one or two epochs per stage.
 */
public final class TinyImageStudy {
    private TinyImageStudy() {
    }

    /** The workflow input; {@code overrides} replace or add study fields; {@code studyId} may be null. */
    public static Map<String, Object> input(String studyId, Map<String, Object> overrides) {
        Map<String, Object> o = new HashMap<>();
        o.put("plrs", List.of(1e-3, 0.3));
        o.put("seeds", 1);
        o.put("flrs", List.of(1e-3, 1e-2));
        o.put("geometryFlrLow", 1e-3);
        o.put("geometryFlrHigh", 1e-2);
        o.put("width", 2);
        o.put("trainSize", 256);
        o.put("testSize", 200);
        o.put("batchSize", 64);
        o.put("pretrainEpochs", 2);
        o.put("recentEpochs", 1);
        o.put("finetuneEpochs", 1);
        o.put("swaKs", List.of(1, 2));
        o.put("geometryK", 2);
        // Two sharpness probes and power iterations: the double-backward path at a tenth of the preset's cost.
        o.put("sharpnessProbes", 2);
        o.put("sharpnessIterations", 2);
        o.putAll(overrides);
        Map<String, Object> in = new HashMap<>();
        in.put("preset", "fashion-mnist-si-convnet-quick");
        in.put("overrides", o);
        if (studyId != null) {
            in.put("studyId", studyId);
        }
        return in;
    }
}
