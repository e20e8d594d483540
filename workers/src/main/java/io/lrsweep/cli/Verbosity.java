package io.lrsweep.cli;

import io.lrsweep.science.images.Torch;

/** {@code --verbose}: the library output that lrsweep quiets by default is let through. */
final class Verbosity {
    private Verbosity() {
    }

    /** System properties win over simplelogger.properties, which quiets DJL. */
    static void letEverythingThrough() {
        System.setProperty(Torch.VERBOSE_PROPERTY, "true");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "info");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "info");
    }
}
