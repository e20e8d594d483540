package io.lrsweep.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Conductor server jar unpacked into a throw-away cache folder, and its class cache
 * recorded, built and mapped by the JDK running this test. The record comes from a short run of
 * a small program among the server's libraries (SQLite's {@code OSInfo}, which prints the platform
 * and exits) on the unpacked jar's class path, rather than from a whole server start.
 */
class UnpackedServerIT {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @TempDir
    Path cacheRoot;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void unpacksOnceIntoAWholeFolderAndReusesIt() throws Exception {
        Path bootJar = LocalConductor.serverJar(out);
        UnpackedServer first = UnpackedServer.of(bootJar, cacheRoot, JAVA, out).orElseThrow();
        assertThat(first.jar()).isRegularFile().hasParent(UnpackedServer.folder(bootJar, cacheRoot));
        assertThat(first.jar().getParent().resolve("lib")).isDirectory();
        assertThat(printed.toString()).contains("Unpacking");
        try (Stream<Path> left = Files.list(cacheRoot)) {
            assertThat(left).as("no half-unpacked folder or log is left").containsExactly(first.jar().getParent());
        }

        printed.reset();
        UnpackedServer again = UnpackedServer.of(bootJar, cacheRoot, JAVA, out).orElseThrow();
        assertThat(again.jar()).isEqualTo(first.jar());
        assertThat(printed.toString()).isEmpty();
    }

    @Test
    void aJarThatCannotBeUnpackedIsStartedAsItIsAndLeavesOnlyTheLogItNames() throws Exception {
        Path notBoot = cacheRoot.resolve("in").resolve("not-a-boot.jar");
        Files.createDirectories(notBoot.getParent());
        Files.writeString(notBoot, "not a jar");
        Path root = cacheRoot.resolve("cache");

        assertThat(UnpackedServer.of(notBoot, root, JAVA, out)).isEmpty();
        assertThat(printed.toString()).contains("Could not unpack").contains("slower");
        assertThat(UnpackedServer.folder(notBoot, root)).doesNotExist();
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).singleElement().satisfies(log -> assertThat(printed.toString()).contains(log.toString()));
        }
    }

    @Test
    void recordsThenBuildsThenMapsTheClassCacheOnJdk25AndLater() throws Exception {
        UnpackedServer server = UnpackedServer.of(LocalConductor.serverJar(out), cacheRoot, JAVA, out).orElseThrow();
        int feature = Runtime.version().feature();
        assertThat(server.classCacheOptions(UnpackedServer.FIRST_AOT_JDK - 1, out)).isEmpty();
        if (feature < UnpackedServer.FIRST_AOT_JDK) {
            return;
        }

        List<String> record = server.classCacheOptions(feature, out);
        assertThat(record).hasSize(2).first().isEqualTo("-XX:AOTMode=record");
        assertThat(run(server, record)).isZero();
        Path recorded = Path.of(record.get(1).substring("-XX:AOTConfiguration=".length()));
        assertThat(recorded).isRegularFile();

        List<String> mapped = server.classCacheOptions(feature, out);
        assertThat(printed.toString()).contains("Building the Conductor server's class cache");
        assertThat(mapped).singleElement().asString().startsWith("-XX:AOTCache=");
        assertThat(recorded).as("the record is spent").doesNotExist();
        // AOTMode=on refuses to run at all when the cache cannot be mapped.
        List<String> strict = new ArrayList<>(mapped);
        strict.add("-XX:AOTMode=on");
        assertThat(run(server, strict)).isZero();

        printed.reset();
        assertThat(server.classCacheOptions(feature, out)).isEqualTo(mapped);
        assertThat(printed.toString()).as("a built cache is simply used").isEmpty();
    }

    @Test
    void aRecordCutShortIsDroppedAndTheStartRecordsAnew() throws Exception {
        UnpackedServer server = UnpackedServer.of(LocalConductor.serverJar(out), cacheRoot, JAVA, out).orElseThrow();
        int feature = Runtime.version().feature();
        if (feature < UnpackedServer.FIRST_AOT_JDK) {
            return;
        }
        List<String> record = server.classCacheOptions(feature, out);
        Path cutShort = Path.of(record.get(1).substring("-XX:AOTConfiguration=".length()));
        Files.write(cutShort, new byte[4096]);

        List<String> next = server.classCacheOptions(feature, out);
        assertThat(next).first().isEqualTo("-XX:AOTMode=record");
        assertThat(next.get(1)).isNotEqualTo(record.get(1));
        assertThat(cutShort).doesNotExist();
        try (Stream<Path> files = Files.list(server.jar().getParent())) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("no cache, half-built or whole, from a broken record")
                    .noneMatch(n -> n.endsWith(".aot") || n.contains(".building-"));
        }
    }

    /** Runs SQLite's {@code OSInfo} (prints the platform, exits) on the unpacked jar's class path with {@code options}. */
    private static int run(UnpackedServer server, List<String> options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JAVA));
        cmd.addAll(UnpackedServer.HEAP);
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", server.jar().toString(), "org.sqlite.util.OSInfo"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(output).as("the program ran").contains("/");
        return p.exitValue();
    }
}
