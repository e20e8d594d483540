package io.lrsweep.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Conductor server's boot jar unpacked once per machine into a cache folder, with an
 * ahead-of-time cache of its classes on JDK 25+: the first start records which classes it loads,
 * the next one builds the cache from that record (once per JDK), every later one maps it. Measured
 * on 2 cores: a start from the boot jar took 14.6 s and 25.9 CPU s, unpacked 10.0 s and 18.1 CPU s,
 * unpacked with the cache 4.2 s and 7.7 CPU s. Nothing here is needed: when unpacking fails the
 * server starts from its jar, and a missing or unusable cache only costs the time it would save.
 */
final class UnpackedServer {
    /** The heap and collector of every server start; the class cache is built with the same ones. */
    static final List<String> HEAP = List.of("-Xmx1g", "-XX:+UseSerialGC");
    /** The first JDK whose launcher has {@code -XX:AOTMode=record/create} and {@code -XX:AOTCache} as used here. */
    static final int FIRST_AOT_JDK = 25;
    private static final String COMPLETE = ".complete";
    private static final long UNPACK_TIMEOUT_MINUTES = 5;
    private static final long CACHE_BUILD_TIMEOUT_MINUTES = 5;

    private final Path dir;
    private final Path jar;
    private final String java;

    private UnpackedServer(Path dir, Path jar, String java) {
        this.dir = dir;
        this.jar = jar;
        this.java = java;
    }

    /** The folder {@code bootJar} unpacks into under {@code cacheRoot}: named after the jar and its size. */
    static Path folder(Path bootJar, Path cacheRoot) throws IOException {
        String name = bootJar.getFileName().toString().replaceFirst("\\.jar$", "");
        return cacheRoot.resolve(name + "-" + Files.size(bootJar));
    }

    /**
     * The unpacked server, unpacking {@code bootJar} first if no complete copy is there (into a
     * folder of its own, moved into place when whole, so a half-unpacked copy is never used);
     * empty, after saying why on {@code out}, when it cannot be unpacked.
     */
    static Optional<UnpackedServer> of(Path bootJar, Path cacheRoot, String java, PrintStream out)
            throws InterruptedException {
        try {
            Path dir = folder(bootJar, cacheRoot);
            Path jar = dir.resolve(bootJar.getFileName());
            if (Files.isRegularFile(dir.resolve(COMPLETE)) && Files.isRegularFile(jar)) {
                return Optional.of(new UnpackedServer(dir, jar, java));
            }
            out.println("Unpacking the Conductor server jar into " + dir + " (once per machine) …");
            Files.createDirectories(cacheRoot);
            Path part = cacheRoot.resolve(dir.getFileName() + ".unpacking-" + ProcessHandle.current().pid());
            FolderTree.delete(part);
            Path log = cacheRoot.resolve(dir.getFileName() + ".unpack.log");
            Process p = new ProcessBuilder(java, "-Djarmode=tools", "-jar", bootJar.toString(), "extract",
                    "--destination", part.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(UNPACK_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            if (p.isAlive() || p.exitValue() != 0 || !Files.isRegularFile(part.resolve(bootJar.getFileName()))) {
                FolderTree.delete(part);
                out.println("Could not unpack the server jar (see " + log + "); starting it from the jar, which is slower");
                return Optional.empty();
            }
            Files.createFile(part.resolve(COMPLETE));
            Files.deleteIfExists(log);
            if (!Files.isRegularFile(dir.resolve(COMPLETE))) {
                // Whole copies are only ever moved in, so this is a copy someone cut into: replaced.
                FolderTree.delete(dir);
            }
            try {
                Files.move(part, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException another) {
                // Another start unpacked the same jar meanwhile: use its copy.
                FolderTree.delete(part);
            }
            return Optional.of(new UnpackedServer(dir, jar, java));
        } catch (IOException e) {
            out.println("Could not unpack the server jar (" + e.getMessage() + "); starting it from the jar, which is slower");
            return Optional.empty();
        }
    }

    /** The jar to start: the boot jar's launcher with its libraries beside it. */
    Path jar() {
        return jar;
    }

    /**
     * The class-cache options for a start on JDK {@code feature}: map the cache when there is one;
     * else build it from an earlier start's record when there is one; else record this start (the
     * record is written when the server exits). None before JDK 25.
     */
    List<String> classCacheOptions(int feature, PrintStream out) throws IOException, InterruptedException {
        if (feature < FIRST_AOT_JDK) {
            return List.of();
        }
        Path cache = dir.resolve(cacheName());
        if (Files.isRegularFile(cache)) {
            return List.of("-XX:AOTCache=" + cache);
        }
        for (Path record : records()) {
            out.println("Building the Conductor server's class cache from its last start (once per JDK, ~10 s) …");
            if (build(record, cache)) {
                for (Path r : records()) {
                    Files.deleteIfExists(r);
                }
                return List.of("-XX:AOTCache=" + cache);
            }
            // A record cut short (the server was killed) cannot build a cache; the next start records anew.
            Files.deleteIfExists(record);
        }
        Path record = dir.resolve(recordPrefix() + UUID.randomUUID() + ".aotconf");
        return List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + record);
    }

    /** Builds the cache from {@code record} into a file of its own, moved into place when whole. */
    private boolean build(Path record, Path cache) throws IOException, InterruptedException {
        Path part = dir.resolve(cache.getFileName() + ".building-" + UUID.randomUUID());
        Path log = dir.resolve(cache.getFileName() + ".build.log");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(HEAP);
        cmd.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + record, "-XX:AOTCache=" + part,
                "-cp", jar.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(CACHE_BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
        }
        boolean built = p.exitValue() == 0 && Files.isRegularFile(part);
        if (built) {
            try {
                Files.move(part, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                built = false;
            }
        }
        Files.deleteIfExists(part);
        if (built) {
            Files.deleteIfExists(log);
        }
        return built;
    }

    /** This JDK's records of earlier starts, newest first. */
    private List<Path> records() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(recordPrefix())
                            && f.getFileName().toString().endsWith(".aotconf"))
                    .sorted(Comparator.comparing(UnpackedServer::modified).reversed()).toList();
        }
    }

    private static long modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException gone) {
            return 0;
        }
    }

    /** A cache serves exactly the JDK that built it: named after its full version. */
    private static String cacheName() {
        return "classes-" + jdk() + ".aot";
    }

    private static String recordPrefix() {
        return "classes-" + jdk() + "-record-";
    }

    private static String jdk() {
        return Runtime.version().toString().replaceAll("[^A-Za-z0-9.]", "_");
    }
}
