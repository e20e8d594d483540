package io.lrsweep.cli;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The terminal's width in columns: {@code $COLUMNS}, else what {@code stty size} says, else 120 (also for a width of 0). */
final class TerminalWidth {
    static final int FALLBACK = 120;

    private TerminalWidth() {
    }

    static int columns() {
        try {
            String env = System.getenv("COLUMNS");
            if (env != null && !env.isBlank() && Integer.parseInt(env.trim()) > 0) {
                return Integer.parseInt(env.trim());
            }
            // The JVM has no call for it; shells do not export COLUMNS to children.
            Process p = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] size = new String(p.getInputStream().readAllBytes()).trim().split("\\s+");
            // A pseudo-terminal nobody sized (script(1) without a terminal, some CI runners) says 0 0.
            if (p.waitFor(2, TimeUnit.SECONDS) && size.length == 2 && Integer.parseInt(size[1]) > 0) {
                return Integer.parseInt(size[1]);
            }
        } catch (IOException | NumberFormatException unknown) {
            // No terminal to ask (or no stty): the fallback.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return FALLBACK;
    }
}
