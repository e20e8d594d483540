package io.lrsweep.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * helm/build-images.sh without building: the GPU image's inputs resolve (the CUDA 12.4 natives on
 * Maven Central or in the Maven cache, the JDK, the base), and bad arguments get a clear answer.
 * The CPU image itself is built and run by the workers' WorkerImageIT.
 */
class BuildImagesScriptIT {
    private static final Path SCRIPT = ChartFiles.chart().resolveSibling("build-images.sh");

    private record Run(int exitCode, String output) {
        String lastLine() {
            List<String> lines = output.strip().lines().toList();
            return lines.get(lines.size() - 1);
        }
    }

    private static Run run(String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString()).redirectErrorStream(true);
        pb.command().addAll(List.of(args));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void theGpuImagesInputsResolveWithoutDownloadingThem() throws Exception {
        Run r = run("gpu", "--dry-run");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).containsPattern("natives: .*pytorch-native-cu124-2\\.5\\.1-linux-x86_64\\.jar \\(\\d+")
                .contains("pytorch-jni-2.5.1-0.33.0").doesNotContain("MISSING");
        assertThat(r.lastLine()).isEqualTo("localhost/lrsweep-worker:" + ChartFiles.projectVersion() + "-cu124");
        System.out.println(r.output().strip());
    }

    @Test
    void anUnknownFlavourIsRefusedWithTheChoices() throws Exception {
        Run r = run("tpu");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("unknown argument 'tpu': expected cpu, gpu, --dry-run or --version");
    }
}
