package io.lrsweep.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A real file system that fills up: a size-limited tmpfs mounted for the test (needs root, as on
 * the CI machines). Without the right to mount, the test is skipped with a message, except with
 * CI=true, where it fails.
 */
final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    static SmallDisk mount(Path mountPoint, int kib) throws Exception {
        Files.createDirectories(mountPoint);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs",
                mountPoint.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            String why = "cannot mount a small tmpfs for the full-disk scenario (" + out + "); run as root";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        return new SmallDisk(mountPoint);
    }

    Path path() {
        return mountPoint;
    }

    /** Fills the disk with a ballast file until only {@code leftKib} remain; returns the ballast. */
    Path fillLeaving(int leftKib) throws IOException {
        Path ballast = mountPoint.resolve("ballast");
        long size = Files.getFileStore(mountPoint).getUsableSpace() - leftKib * 1024L;
        Files.write(ballast, new byte[(int) Math.max(0, size)]);
        return ballast;
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("umount", "-l", mountPoint.toString()).inheritIO().start().waitFor();
    }
}
