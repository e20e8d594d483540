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

    /**
     * The study as its stages see it: with refinement on, its grid holds the PLRs of every round
     * recorded so far (the stages of a refined PLR's branch read their PLR from there).
     */
    public static StudyConfig load(ArtifactStore store, String studyId) throws IOException {
        StudyConfig written = loadAsWritten(store, studyId);
        if (written.refine() == null) {
            return written;
        }
        return Refinements.withRounds(written, Refinements.read(store, studyId, written.refine().rounds()));
    }

    /** The study as {@code study.json} has it: the coarse grid only. */
    static StudyConfig loadAsWritten(ArtifactStore store, String studyId) throws IOException {
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
