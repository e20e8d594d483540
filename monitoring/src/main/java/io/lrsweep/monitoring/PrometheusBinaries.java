package io.lrsweep.monitoring;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where Prometheus's programs ({@code prometheus}, {@code promtool}) are: the PATH, then Debian's /usr/bin. */
public final class PrometheusBinaries {
    private PrometheusBinaries() {
    }

    public static Optional<Path> find(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.of(Path.of("/usr/bin", program)).filter(Files::isExecutable);
    }
}
