package io.lrsweep.stages;

import io.lrsweep.setup.Setup;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.Branch;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The "already done" check: a manifest with the same fingerprint means the stage finished. */
final class StageCache {
    private StageCache() {
    }

    static Optional<StageOutcome> lookup(StageDirectory dir, String stage, String fingerprint, boolean force)
            throws IOException {
        if (force) {
            return Optional.empty();
        }
        Optional<Manifest> m = dir.manifest();
        if (m.isPresent() && m.get().fingerprint().equals(fingerprint)) {
            return Optional.of(outcome(dir, m.get(), true));
        }
        return Optional.empty();
    }

    static StageOutcome outcome(StageDirectory dir, Manifest m, boolean cached) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stage", m.stage());
        out.put("outcome", cached ? "cached" : "completed");
        out.put("manifest", dir.key(Manifest.FILE_NAME));
        out.put("fingerprint", m.fingerprint());
        out.put("metrics", m.metrics());
        return new StageOutcome(m.stage(), cached, out);
    }

    /** A branch stage's fingerprint inputs with the fields every stage of its setup shares. */
    static Map<String, Object> inputs(String stage, Branch b, Setup<?> setup) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("stage", stage);
        in.put("scienceRevision", CodeVersion.SCIENCE_REVISION);
        in.put("setup", b.config().setup());
        in.put("plr", b.plr());
        in.put("seed", b.seed());
        in.put("dataSeed", b.dataSeed());
        in.put("trainSize", b.config().trainSize());
        in.put("batchSize", b.config().batchSize());
        setup.describeBranch(in);
        return in;
    }
}
