package io.lrsweep.setup;

import java.io.IOException;

/** Reads one stored object of a finished stage by its name (verified against the manifest). */
@FunctionalInterface
public interface CheckpointReader {
    byte[] read(String name) throws IOException;
}
