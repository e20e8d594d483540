package io.lrsweep.cli;

import io.lrsweep.study.ProgressLine;
import io.lrsweep.tasks.StudyProgress;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * Shows a study's progress while the CLI waits for it: on a terminal one line rewritten in place
 * (cut to the terminal's width, since a wrapped line cannot be rewritten), elsewhere a plain line
 * every 30 s and one at the end, so that logs stay short.
 */
final class LiveStatus {
    /** How often a plain (not terminal) line is printed. */
    static final long PLAIN_EVERY_NANOS = 30_000_000_000L;
    private final PrintStream out;
    private final boolean terminal;
    private final int width;
    private long lastPlain;
    private boolean legendShown;

    LiveStatus(PrintStream out, boolean terminal, int width) {
        this.out = out;
        this.terminal = terminal;
        this.width = width;
    }

    /** For this process's standard output: a terminal when it has a console. */
    static LiveStatus forStandardOutput() {
        return new LiveStatus(System.out, System.console() != null, TerminalWidth.columns());
    }

    /** Shows {@code p}; the last call (a finished study) ends the terminal line. */
    void show(StudyProgress p) {
        String line = p.line();
        if (terminal) {
            out.print("\r\033[K" + cut(line, width - 1));
            if (p.finished()) {
                out.println();
            }
            out.flush();
            return;
        }
        long now = System.nanoTime();
        if (lastPlain == 0 || now - lastPlain >= PLAIN_EVERY_NANOS || p.finished()) {
            if (!legendShown) {
                out.println("progress per stage: " + ProgressLine.LEGEND + "=total");
                legendShown = true;
            }
            out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
            lastPlain = now;
        }
    }

    static String cut(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width - 1)) + "…";
    }
}
