package io.lrsweep.stages;

import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Json;
import io.lrsweep.study.BaselinePlan;
import io.lrsweep.study.InvalidStudyException;
import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyResolver;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

/** Reads and writes the resolved configuration of a study ({@code study.json}). */
public final class Studies {
    private Studies() {
    }

    public static StudyConfig load(ArtifactStore store, String studyId) throws IOException {
        byte[] data;
        try {
            data = store.get(StudyLayout.studyJson(studyId));
        } catch (NoSuchFileException e) {
            throw new InvalidStudyException("studyId", "no study '" + studyId + "' in " + store.describe()
                    + " (its plan stage has not run there)");
        }
        return StudyResolver.validate(Json.read(data, StudyConfig.class));
    }

    /** The runs the study's baseline plan chose, once that stage has run. */
    public static Optional<BaselinePlan> baselinePlan(ArtifactStore store, String studyId) throws IOException {
        return Baselines.plan(store, studyId);
    }

    /**
     * Writes the study once. The same study id with the same configuration is accepted (a rerun);
     * with a different configuration it is refused, so a finished study is never silently mixed
     * with another.
     */
    public static void saveNew(ArtifactStore store, StudyConfig config) throws IOException {
        String key = StudyLayout.studyJson(config.studyId());
        if (store.exists(key)) {
            StudyConfig existing = Json.read(store.get(key), StudyConfig.class);
            if (!existing.equals(config)) {
                throw new InvalidStudyException("studyId", "study '" + config.studyId()
                        + "' already exists with a different configuration; choose another studyId");
            }
            return;
        }
        store.put(key, Json.bytes(config));
    }
}
