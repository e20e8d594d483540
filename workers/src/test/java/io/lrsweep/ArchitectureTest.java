package io.lrsweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, read from the sources: each package of the workers imports
 * only packages below it (so nothing imports in a cycle), the science and the setups know nothing
 * of Conductor, S3 or Prometheus, only {@code tasks} speaks Conductor, and no type is written with
 * its full package inline, where the import check could not see it.
 */
class ArchitectureTest {
    private static final Path WORKERS = Path.of("src/main/java/io/lrsweep");
    /** The workers' packages, lowest first: a package may import only those before it. */
    private static final List<String> LAYERS = List.of("science", "data", "study", "setup", "report", "stages",
            "tasks", "local", "cli");
    /** The other modules each package may use (storage: the artifact store; monitoring: Micrometer). */
    private static final Map<String, Set<String>> MODULES = Map.of(
            "science", Set.of(), "data", Set.of("storage"), "study", Set.of(), "setup", Set.of(),
            "report", Set.of(), "stages", Set.of("storage"), "tasks", Set.of("storage", "monitoring"),
            "local", Set.of("storage", "monitoring"), "cli", Set.of("storage", "monitoring"));
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+);", Pattern.MULTILINE);
    // A lower-case package path followed by a type name, outside imports and comments.
    private static final Pattern INLINE_QUALIFIED = Pattern.compile(
            "(?<![\\w.\"])(?:java|javax|io|com|org|ai|picocli|jdk|sun)(?:\\.[a-z][a-z0-9_]*)+\\.[A-Z]\\w*");

    /** Every main source file of the workers, by its package below io.lrsweep ("science", "science.images", ...). */
    private static Map<Path, String> sources(Path root) throws IOException {
        Map<Path, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                out.put(f, root.relativize(f.getParent()).toString().replace('/', '.'));
            }
        }
        return out;
    }

    private static String layerOf(String pkg) {
        return pkg.contains(".") ? pkg.substring(0, pkg.indexOf('.')) : pkg;
    }

    private static List<String> imports(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = IMPORT.matcher(Files.readString(file));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyPackageImportsOnlyThePackagesBelowItAndTheModulesItMayUse() throws IOException {
        List<String> violations = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (var e : sources(WORKERS).entrySet()) {
            String layer = layerOf(e.getValue());
            seen.add(layer);
            assertThat(LAYERS).as("package " + e.getValue() + " has a place in the layering").contains(layer);
            List<String> below = LAYERS.subList(0, LAYERS.indexOf(layer) + 1);
            for (String imp : imports(e.getKey())) {
                if (!imp.startsWith("io.lrsweep.")) {
                    continue;
                }
                String target = imp.substring("io.lrsweep.".length()).split("\\.")[0];
                boolean allowed = LAYERS.contains(target) ? below.contains(target)
                        : MODULES.get(layer).contains(target);
                if (!allowed) {
                    violations.add(e.getKey().getFileName() + " (" + layer + ") imports " + imp);
                }
            }
        }
        assertThat(seen).as("every layer has sources").containsExactlyInAnyOrderElementsOf(LAYERS);
        assertThat(violations).isEmpty();
    }

    @Test
    void thePackageGraphHasNoCycle() throws IOException {
        Map<String, Set<String>> edges = new HashMap<>();
        for (var e : sources(WORKERS).entrySet()) {
            for (String imp : imports(e.getKey())) {
                if (imp.startsWith("io.lrsweep.")) {
                    String target = layerOf(imp.substring("io.lrsweep.".length()));
                    if (!target.equals(layerOf(e.getValue())) && LAYERS.contains(target)) {
                        edges.computeIfAbsent(layerOf(e.getValue()), k -> new HashSet<>()).add(target);
                    }
                }
            }
        }
        for (String start : edges.keySet()) {
            assertThat(reaches(edges, start, start, new HashSet<>())).as("a cycle through " + start).isFalse();
        }
    }

    private static boolean reaches(Map<String, Set<String>> edges, String from, String goal, Set<String> visited) {
        for (String next : edges.getOrDefault(from, Set.of())) {
            if (next.equals(goal) || visited.add(next) && reaches(edges, next, goal, visited)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theScienceAndTheSetupsKnowNothingOfConductorTheStoreOrMetrics() throws IOException {
        for (var e : sources(WORKERS).entrySet()) {
            String layer = layerOf(e.getValue());
            if (layer.equals("science") || layer.equals("setup") || layer.equals("study")) {
                assertThat(imports(e.getKey())).as(e.getKey().toString()).noneMatch(i -> i.startsWith("com.netflix")
                        || i.startsWith("io.lrsweep.storage") || i.startsWith("io.lrsweep.monitoring")
                        || i.startsWith("io.micrometer") || i.startsWith("io.minio") || i.startsWith("io.prometheus"));
            }
        }
    }

    @Test
    void onlyTheTasksPackageSpeaksConductor() throws IOException {
        for (var e : sources(WORKERS).entrySet()) {
            if (!layerOf(e.getValue()).equals("tasks")) {
                assertThat(imports(e.getKey())).as(e.getKey().toString()).noneMatch(i -> i.startsWith("com.netflix"));
            }
        }
    }

    @Test
    void noTypeIsWrittenWithItsPackageInlineInAnyModule() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path root : List.of(WORKERS, Path.of("../storage/src/main/java"), Path.of("../monitoring/src/main/java"))) {
            for (Path f : sources(root).keySet()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = withoutCommentsAndStrings(lines.get(i));
                    if (code.startsWith("import ") || code.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = INLINE_QUALIFIED.matcher(code);
                    if (m.find()) {
                        found.add(f.getFileName() + ":" + (i + 1) + " " + m.group());
                    }
                }
            }
        }
        assertThat(found).as("import these instead").isEmpty();
    }

    /** A line of code without its string literals and line or Javadoc comments. */
    private static String withoutCommentsAndStrings(String line) {
        String s = line.strip();
        if (s.startsWith("*") || s.startsWith("/*") || s.startsWith("//")) {
            return "";
        }
        s = s.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
        int comment = s.indexOf("//");
        return comment >= 0 ? s.substring(0, comment) : s;
    }
}
