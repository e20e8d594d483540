package io.lrsweep.setup;

import io.lrsweep.science.TrainingListener;
import java.io.IOException;
import java.util.Optional;

/**
 * Where a setup's computation inside a stage sends what it makes: checkpoints into the stage's
 * directory, the resume checkpoint of an attempt, log lines, and training progress.
 */
public interface StageSink {
    /** The name of the checkpoint a restarted attempt continues from. */
    String RESUME = "resume.ckpt";

    /** The tag resume checkpoints carry (the stage's fingerprint): one with another tag belongs to another configuration. */
    String owner();

    /** Stores {@code data} under {@code name} in the stage. */
    void write(String name, byte[] data) throws IOException;

    /** Where {@code name} is stored, for messages. */
    String key(String name);

    /** The resume checkpoint an earlier attempt of the stage left, if any (unverified: no manifest lists it). */
    Optional<byte[]> resume() throws IOException;

    void log(String line);

    /** Where training steps and epochs are reported. */
    TrainingListener training();
}
