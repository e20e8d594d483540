package io.lrsweep.stages;

import io.lrsweep.science.TrainingListener;
import io.lrsweep.setup.StageSink;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;
import java.util.Optional;

/**
 * A stage's directory as the sink of a setup's computation: checkpoints are written into it with
 * their size and write time reported, resume checkpoints are tagged with the stage's fingerprint,
 * and lines and training progress go to the stage's progress.
 */
final class StageCheckpoints implements StageSink {
    private final StageDirectory dir;
    private final String stage;
    private final String fingerprint;
    private final StageProgress progress;
    private final TrainingListener training;
    /** Whether this attempt wrote a resume checkpoint or found one: only then is there one to delete. */
    private volatile boolean resumeSeen;

    private StageCheckpoints(StageDirectory dir, String fingerprint, String stage, StageProgress progress,
                             TrainingListener training) {
        this.dir = dir;
        this.stage = stage;
        this.fingerprint = fingerprint;
        this.progress = progress;
        this.training = training;
    }

    /** A sink for a training run: its steps and epochs are reported as {@code run}. */
    static StageCheckpoints training(StageDirectory dir, String fingerprint, TrainingRun run, StageProgress progress) {
        return new StageCheckpoints(dir, fingerprint, run.stage(), progress, progress.training(run));
    }

    /** A sink for a stage that trains nothing. */
    static StageCheckpoints of(StageDirectory dir, String fingerprint, String stage, StageProgress progress) {
        return new StageCheckpoints(dir, fingerprint, stage, progress, TrainingListener.NONE);
    }

    /** What a setup computes into this sink. */
    @FunctionalInterface
    interface Computation<T> {
        T run(StageCheckpoints sink) throws IOException;
    }

    /**
     * Runs {@code computation} into this sink. When it fails or is stopped, the writes it started
     * are waited for first: a stop's resume point is then stored, and no write lands after the next
     * attempt has begun.
     */
    <T> T compute(Computation<T> computation) throws IOException {
        try {
            return computation.run(this);
        } catch (IOException | RuntimeException e) {
            dir.settleWrites();
            throw e;
        }
    }

    @Override
    public String owner() {
        return fingerprint;
    }

    /** In the background: training goes on while the checkpoint is stored; the commit waits for it. */
    @Override
    public void write(String name, byte[] data) throws IOException {
        if (name.equals(RESUME)) {
            resumeSeen = true;
        }
        dir.writeInBackground(name, data, (stored, nanos) -> progress.checkpointStored(stage, stored.size(), nanos));
    }

    @Override
    public String key(String name) {
        return dir.key(name);
    }

    @Override
    public Optional<byte[]> resume() throws IOException {
        if (dir.knownAbsent(RESUME)) {
            return Optional.empty();
        }
        Optional<byte[]> found = dir.readUnverified(RESUME);
        if (found.isPresent()) {
            resumeSeen = true;
        }
        return found;
    }

    /**
     * Deletes the resume checkpoint once the stage is committed, if this attempt wrote one or found
     * one (no request otherwise: most runs are shorter than a resume interval).
     */
    void deleteResume() throws IOException {
        if (resumeSeen) {
            dir.delete(RESUME);
        }
    }

    @Override
    public void log(String line) {
        progress.log(line);
    }

    @Override
    public TrainingListener training() {
        return training;
    }
}
