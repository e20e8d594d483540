package io.lrsweep.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local workers a local Prometheus scrapes: one file per worker process in
 * {@code <home>/prometheus/targets/}, read by Prometheus's file-based service discovery, so that
 * workers on any port are found without restarting Prometheus.
 */
public final class ScrapeTargets {
    private static final Pattern FILE = Pattern.compile("worker-(\\d+)\\.json");
    private final Path dir;

    public ScrapeTargets(Path home) {
        this.dir = LocalPrometheus.directory(home).resolve("targets");
    }

    public Path directory() {
        return dir;
    }

    /**
     * Announces this process's metrics endpoint, if a local Prometheus has been set up under the
     * home ({@code local up --with-prometheus}); elsewhere (a cluster) nothing is written.
     *
     * @return what removes the announcement again
     */
    public Optional<AutoCloseable> announce(int port) throws IOException {
        if (!Files.isDirectory(dir.getParent())) {
            return Optional.empty();
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("worker-" + ProcessHandle.current().pid() + ".json");
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.writeString(tmp, "[{\"targets\": [\"127.0.0.1:" + port + "\"]}]\n");
        // Prometheus watches the directory: it must never see half a file.
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Optional.of(() -> Files.deleteIfExists(file));
    }

    /** Removes the files of worker processes that no longer run (killed without cleaning up). */
    void pruneDead() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "worker-*.json")) {
            for (Path f : files) {
                Matcher m = FILE.matcher(f.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).filter(ProcessHandle::isAlive).isEmpty()) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
