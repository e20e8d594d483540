package io.lrsweep.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the chart and its scenario values are (helm/lrsweep, helm/lrsweep/ci/*.yaml). */
final class ChartFiles {
    private ChartFiles() {
    }

    static Path chart() {
        String explicit = System.getProperty("lrsweep.chart.dir");
        return (explicit != null && !explicit.isBlank() ? Path.of(explicit) : Path.of("lrsweep")).toAbsolutePath()
                .normalize();
    }

    /** The scenario files, sorted by name. */
    static List<Path> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(chart().resolve("ci"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    static String projectVersion() {
        String v = System.getProperty("lrsweep.project.version");
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("lrsweep.project.version is not set (run the tests through Maven)");
        }
        return v;
    }
}
