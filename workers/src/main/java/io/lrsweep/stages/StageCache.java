package io.lrsweep.stages;

import io.lrsweep.setup.Setup;
import io.lrsweep.setup.StageSink;
import io.lrsweep.storage.CorruptObjectException;
import io.lrsweep.storage.FingerprintIndex;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.storage.StoreCalls;
import io.lrsweep.study.Branch;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "already done" check: a manifest with the same fingerprint means the stage finished, in its
 * own directory or in another one (an earlier study) that the fingerprint index names.
 */
final class StageCache {
    private static final Logger LOG = LoggerFactory.getLogger(StageCache.class);

    private StageCache() {
    }

    static Optional<StageOutcome> lookup(StageDirectory dir, String fingerprint, Reuse reuse) throws IOException {
        if (reuse == Reuse.NONE) {
            return Optional.empty();
        }
        // The index is asked at the same time: a stage to compute waits one round trip, not two.
        FingerprintIndex index = new FingerprintIndex(dir.store());
        Future<Optional<String>> indexed = reuse == Reuse.ANY ? StoreCalls.start(() -> index.lookup(fingerprint))
                : CompletableFuture.completedFuture(Optional.empty());
        Optional<Manifest> m = dir.finishedManifest();
        if (m.isPresent() && m.get().fingerprint().equals(fingerprint)) {
            indexed.cancel(false);
            return Optional.of(outcome(dir, m.get(), true));
        }
        return reuse(dir, fingerprint, StoreCalls.join(indexed));
    }

    /**
     * The same stage finished in another directory, copied into this one (verified) and committed
     * here, so this study owns its objects whatever becomes of the other. A stale index entry or a
     * corrupt source object means no reuse: the stage is computed.
     */
    private static Optional<StageOutcome> reuse(StageDirectory dir, String fingerprint, Optional<String> found)
            throws IOException {
        if (found.isEmpty() || found.get().equals(dir.prefix())) {
            return Optional.empty();
        }
        StageDirectory source = new StageDirectory(dir.store(), found.get());
        Optional<Manifest> theirs = source.manifest();
        if (theirs.isEmpty() || !theirs.get().fingerprint().equals(fingerprint)) {
            LOG.debug("the index names {} for {}, which no longer holds it: computing", source.prefix(), fingerprint);
            return Optional.empty();
        }
        Manifest copied;
        try {
            copied = dir.commitCopy(source, theirs.get());
        } catch (CorruptObjectException e) {
            LOG.debug("not reusing {} for {}: {}", source.prefix(), dir.prefix(), e.getMessage());
            return Optional.empty();
        }
        dir.delete(StageSink.RESUME);
        Map<String, Object> out = outputs(dir, copied, true);
        out.put("reused_from", source.prefix());
        return Optional.of(new StageOutcome(copied.stage(), true, out));
    }

    static StageOutcome outcome(StageDirectory dir, Manifest m, boolean cached) {
        return new StageOutcome(m.stage(), cached, outputs(dir, m, cached));
    }

    private static Map<String, Object> outputs(StageDirectory dir, Manifest m, boolean cached) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stage", m.stage());
        out.put("outcome", cached ? "cached" : "completed");
        out.put("manifest", dir.key(Manifest.FILE_NAME));
        out.put("fingerprint", m.fingerprint());
        out.put("metrics", m.metrics());
        return out;
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
