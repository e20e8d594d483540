package io.lrsweep.stages;

import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.storage.StoredObject;
import io.lrsweep.study.InvalidStudyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a finished study no longer needs: objects no manifest lists (resume checkpoints and parts
 * of attempts that died), and, if asked, the SWA window checkpoints other than the pre-trained
 * point (an averaging stage that needs them again recomputes them).
 */
public final class Retention {
    private Retention() {
    }

    /** One object to remove. */
    public record Removal(String key, long bytes, String why) {
    }

    /** Lists the removals for a study; refuses a study whose report has not been written. */
    public static List<Removal> plan(ArtifactStore store, String studyId, boolean pruneWindow) throws IOException {
        String root = StudyLayout.study(studyId);
        if (new StageDirectory(store, StudyLayout.report(studyId)).manifest().isEmpty()) {
            throw new InvalidStudyException("studyId", "study '" + studyId + "' has no finished report in "
                    + store.describe() + "; garbage collection would remove objects of stages still running");
        }
        List<String> keys = store.list(root);
        Set<String> kept = new HashSet<>();
        kept.add(StudyLayout.studyJson(studyId));
        Set<String> window = new HashSet<>();
        for (String key : keys) {
            if (!key.endsWith("/" + Manifest.FILE_NAME)) {
                continue;
            }
            kept.add(key);
            StageDirectory dir = new StageDirectory(store, key.substring(0, key.length() - Manifest.FILE_NAME.length() - 1));
            Manifest m = dir.manifest().orElse(null);
            if (m == null) {
                continue;
            }
            Object point = m.metrics().get("pretrainedPoint");
            for (StoredObject o : m.objects()) {
                kept.add(o.key());
                if (m.stage().equals(PretrainStage.NAME) && o.key().endsWith(".ckpt")
                        && !o.key().equals(dir.key(String.valueOf(point)))) {
                    window.add(o.key());
                }
            }
        }
        List<Removal> removals = new ArrayList<>();
        for (String key : keys) {
            String why = !kept.contains(key) ? "listed by no manifest"
                    : pruneWindow && window.contains(key) ? "SWA window checkpoint (recomputable)" : null;
            if (why != null) {
                removals.add(new Removal(key, store.size(key).orElse(0L), why));
            }
        }
        return removals;
    }

    /** Removes what {@link #plan} listed; returns the bytes freed. */
    public static long apply(ArtifactStore store, List<Removal> removals) throws IOException {
        long freed = 0;
        for (Removal r : removals) {
            store.delete(r.key());
            freed += r.bytes();
        }
        return freed;
    }
}
