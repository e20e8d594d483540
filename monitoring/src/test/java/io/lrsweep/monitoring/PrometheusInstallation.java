package io.lrsweep.monitoring;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's prometheus and promtool binaries for tests. On CI ({@code CI=true}) a missing binary
 * fails the test (.ci/run installs the package); elsewhere the test is skipped with the reason.
 */
public final class PrometheusInstallation {
    private PrometheusInstallation() {
    }

    public static Path require(String binary) {
        Optional<Path> found = PrometheusBinaries.find(binary);
        if (found.isEmpty()) {
            String message = binary + " is not installed (Debian: apt-get install prometheus; .ci/run does it)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + " and CI=true: Prometheus checks must run on CI");
            }
            Assumptions.abort(message + "; skipping");
        }
        return found.get();
    }
}
