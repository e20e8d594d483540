package io.lrsweep.monitoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the monitoring/ directory (dashboards, rules, README) is, from this module or from workers. */
public final class MonitoringFiles {
    private MonitoringFiles() {
    }

    public static Path root() {
        String explicit = System.getProperty("lrsweep.monitoring.dir");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        return Files.isDirectory(Path.of("grafana")) ? Path.of("").toAbsolutePath()
                : Path.of("..", "monitoring").toAbsolutePath().normalize();
    }

    public static Path rules() {
        return root().resolve("prometheus/rules.yml");
    }

    public static Path rulesTest() {
        return root().resolve("prometheus/rules_test.yml");
    }

    public static Path readme() {
        return root().resolve("README.md");
    }

    public static List<GrafanaDashboard> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(root().resolve("grafana"))) {
            List<GrafanaDashboard> out = new java.util.ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                out.add(GrafanaDashboard.read(f));
            }
            return out;
        }
    }
}
