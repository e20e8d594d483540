package io.lrsweep.stages;

import io.lrsweep.storage.StageDirectory;
import java.io.IOException;

/** Writes a checkpoint into a stage's directory and reports its size and write time. */
final class Checkpoints {
    private Checkpoints() {
    }

    static void write(StageDirectory dir, String stage, String name, byte[] data, StageProgress progress)
            throws IOException {
        long started = System.nanoTime();
        dir.write(name, data);
        progress.checkpointStored(stage, data.length, System.nanoTime() - started);
    }
}
