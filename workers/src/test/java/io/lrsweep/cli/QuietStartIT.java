package io.lrsweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar as users start it ({@code java -jar}), with an image model on the CPU: nothing on
 * standard error (no restricted-method notice, no DJL or CUDA probe lines, no libtorch
 * deprecation), the engine and device on standard output; {@code --verbose} lets the library
 * output through.
 */
class QuietStartIT {
    @TempDir
    Path dir;

    private record Run(String out, String err) {
    }

    private Run bench(String... extra) throws Exception {
        return bench(List.of(), extra);
    }

    /** {@code prefix} runs before java, e.g. taskset. */
    private Run bench(List<String> prefix, String... extra) throws Exception {
        String jar = System.getProperty("lrsweep.jar");
        assertThat(jar).as("run through Maven (mvn verify), which builds the jar first").isNotNull();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(java, "-Djava.awt.headless=true", "-jar", jar, "bench", "train",
                "--model", "si-convnet", "--width", "4", "--batch", "8", "--steps", "1", "--device", "cpu"));
        cmd.addAll(List.of(extra));
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        // What the launcher would set must not be what quiets the jar.
        b.environment().remove("TORCH_CPP_LOG_LEVEL");
        Process p = b.start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("bench train ended").isTrue();
        assertThat(p.exitValue()).as(read("err")).isZero();
        return new Run(read("out"), read("err"));
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void anImageModelStartsWithNothingOnStandardErrorAndTheEngineNamedOnStandardOutput() throws Exception {
        Run quiet = bench();
        assertThat(quiet.err()).isEmpty();
        assertThat(quiet.out()).contains("PyTorch").contains("device cpu()");
    }

    /** libtorch would take one thread per visible core; the thread count changes CPU results' last bits. */
    @Test
    void libtorchRunsTheSameNumberOfThreadsWithOneCoreVisibleAsWithTwo() throws Exception {
        Run oneCore = bench(List.of("taskset", "-c", "0"));
        assertThat(oneCore.out()).contains("threads=2").contains("CPU threads 2");
    }

    @Test
    void verboseLetsTheLibrariesSpeak() throws Exception {
        Run verbose = bench("--verbose");
        assertThat(verbose.err()).contains("PtEngine").contains("AutoNonVariableTypeMode is deprecated");
    }
}
