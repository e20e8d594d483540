package io.lrsweep.local;

import io.lrsweep.storage.S3Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local server process that outlives the command that started it: remembered by a pid file in
 * its directory, output appended to a log file there, stopped politely, then forcibly.
 */
final class BackgroundProcess {
    private final Path dir;
    private final String name;

    /** @param name base name of the pid and log files, e.g. "server" */
    BackgroundProcess(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    Path logFile() {
        return dir.resolve(name + ".log");
    }

    private Path pidFile() {
        return dir.resolve(name + ".pid");
    }

    /**
     * Starts the process without the S3 credentials of this one's environment: local servers need
     * none, and the Conductor server jar would even map AWS_SECRET_ACCESS_KEY into a property of
     * its own (an AI integration) where its actuator or logs could show it.
     */
    Process start(List<String> command) throws IOException {
        return start(command, Map.of());
    }

    /** @param environment variables added to this process's own (secrets go here, not on the command line) */
    Process start(List<String> command, Map<String, String> environment) throws IOException {
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        // Local servers never see the workers' S3 credentials (they would show in their logs and process table).
        pb.environment().keySet().removeAll(S3Settings.ACCESS_KEY_VARIABLES);
        pb.environment().keySet().removeAll(S3Settings.SECRET_KEY_VARIABLES);
        pb.environment().remove("AWS_SESSION_TOKEN");
        pb.environment().putAll(environment);
        Process p = pb.start();
        Files.writeString(pidFile(), Long.toString(p.pid()));
        return p;
    }

    /** The process this directory started, if it still runs. */
    Optional<ProcessHandle> running() throws IOException {
        if (!Files.exists(pidFile())) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pidFile()).trim())).filter(ProcessHandle::isAlive);
    }

    /** Stops the process (SIGTERM, then SIGKILL after 20 s); returns its pid, or empty if none ran. */
    Optional<Long> stop() throws IOException, InterruptedException {
        Optional<ProcessHandle> h = running();
        if (h.isEmpty()) {
            Files.deleteIfExists(pidFile());
            return Optional.empty();
        }
        h.get().destroy();
        for (int i = 0; i < 200 && h.get().isAlive(); i++) {
            Thread.sleep(100);
        }
        if (h.get().isAlive()) {
            h.get().destroyForcibly();
        }
        Files.deleteIfExists(pidFile());
        return Optional.of(h.get().pid());
    }

    String tail(int lines) throws IOException {
        if (!Files.exists(logFile())) {
            return "(no log)";
        }
        List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
