package io.lrsweep.setup;

import java.io.IOException;

/** Reads one stored point of a finished stage by its object name (verified against the manifest). */
@FunctionalInterface
public interface PointReader<P> {
    P read(String name) throws IOException;
}
