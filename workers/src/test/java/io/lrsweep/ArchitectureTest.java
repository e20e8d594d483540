package io.lrsweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The dependency direction of architecture.md, read from the sources' imports. */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/io/lrsweep");

    private static List<String> importsOf(String pkg) throws Exception {
        List<String> imports = new ArrayList<>();
        try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Files.readAllLines(f).stream().filter(l -> l.startsWith("import "))
                        .forEach(l -> imports.add(f.getFileName() + ": " + l));
            }
        }
        assertThat(imports).as(pkg + " has sources").isNotEmpty();
        return imports;
    }

    @Test
    void theScienceKnowsNothingOfMicrometerConductorOrTheStore() throws Exception {
        assertThat(importsOf("science")).noneMatch(l -> l.contains("io.micrometer") || l.contains("com.netflix.conductor")
                || l.contains("io.lrsweep.storage") || l.contains("io.lrsweep.monitoring") || l.contains("io.prometheus"));
    }

    @Test
    void theImageReadersArePureJava() throws Exception {
        assertThat(importsOf("science/images")).noneMatch(l -> l.contains("io.micrometer") || l.contains("com.netflix.conductor")
                || l.contains("io.lrsweep.storage") || l.contains("io.lrsweep.monitoring") || l.contains("io.minio")
                || l.contains("io.prometheus"));
    }

    @Test
    void theStagesReportProgressWithoutMicrometerOrConductor() throws Exception {
        assertThat(importsOf("stages")).noneMatch(l -> l.contains("io.micrometer") || l.contains("com.netflix.conductor")
                || l.contains("io.lrsweep.monitoring") || l.contains("io.prometheus"));
    }
}
