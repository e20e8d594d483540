package io.lrsweep.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's promtool and hands back its exit code and output. */
public final class Promtool {
    /** What promtool answered. */
    public record Run(int exitCode, String output) {
    }

    private Promtool() {
    }

    public static Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(PrometheusInstallation.require("promtool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(Path.of(args[args.length - 1]).toAbsolutePath().getParent()
                .toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("promtool " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
