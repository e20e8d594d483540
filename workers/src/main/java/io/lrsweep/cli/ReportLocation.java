package io.lrsweep.cli;

import io.lrsweep.stages.StageOutcome;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.FileSystemArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Where a finished report can be opened, and copying it out of the store. */
final class ReportLocation {
    private ReportLocation() {
    }

    static String describe(ArtifactStore store, StageOutcome o) {
        Object index = ((Map<?, ?>) o.outputs().get("metrics")).get("index");
        if (store instanceof FileSystemArtifactStore fs) {
            return "report: " + fs.pathOf(String.valueOf(index));
        }
        return "report: " + index + " in " + store.describe();
    }

    /** Copies {@code studies/<id>/report/**} into {@code out}; returns the copied index.html. */
    static Path copy(ArtifactStore store, String studyId, Path out) throws IOException {
        String prefix = StudyLayout.report(studyId) + "/";
        for (String key : store.list(prefix)) {
            Path target = out.resolve(key.substring(prefix.length()));
            Files.createDirectories(target.getParent());
            try (InputStream in = store.open(key)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return out.resolve("index.html").toAbsolutePath();
    }
}
