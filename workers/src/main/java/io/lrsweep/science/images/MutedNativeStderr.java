package io.lrsweep.science.images;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Runs an action with the process's native standard error (file descriptor 2) pointed at
 * /dev/null: libtorch prints some warnings there, past every Java logger. Anything else the
 * process writes to standard error meanwhile is lost too, so the action must be short.
 */
final class MutedNativeStderr {
    private static final int STDERR = 2;
    private static final int O_WRONLY = 1;

    /** The few C library calls needed (JNA comes with DJL). */
    private interface LibC extends Library {
        int dup(int fd);

        int dup2(int from, int to);

        int open(String path, int flags);

        int close(int fd);
    }

    private MutedNativeStderr() {
    }

    static void run(Runnable action) {
        LibC c;
        try {
            c = Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError noLibC) {
            // Not a POSIX C library (Windows): the warning shows; nothing else changes.
            action.run();
            return;
        }
        System.err.flush();
        int saved = c.dup(STDERR);
        int devNull = c.open("/dev/null", O_WRONLY);
        if (saved < 0 || devNull < 0 || c.dup2(devNull, STDERR) < 0) {
            closeIfOpen(c, devNull);
            closeIfOpen(c, saved);
            action.run();
            return;
        }
        c.close(devNull);
        try {
            action.run();
        } finally {
            c.dup2(saved, STDERR);
            c.close(saved);
        }
    }

    private static void closeIfOpen(LibC c, int fd) {
        if (fd >= 0) {
            c.close(fd);
        }
    }
}
