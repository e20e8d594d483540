package io.lrsweep.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code lrsweep worker} process (the shaded jar the build just made), its output in a log
 * file, stopped with real signals: SIGTERM, SIGKILL, SIGSTOP/SIGCONT.
 */
final class WorkerProcess implements AutoCloseable {
    private static final Pattern METRICS = Pattern.compile("Metrics at (http://127\\.0\\.0\\.1:\\d+/metrics)");
    private final String name;
    private final Process process;
    private final Path log;

    private WorkerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The jar under test: {@code workers/target/lrsweep.jar}, built in the package phase before the ITs. */
    static Path jar() {
        String p = System.getProperty("lrsweep.jar");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("the lrsweep jar is missing (" + p + "); run the integration tests through"
                    + " Maven (mvn verify), which builds workers/target/lrsweep.jar first");
        }
        return Path.of(p);
    }

    /** Runs {@code lrsweep ARGS} in its own JVM with {@code env} added; output goes to {@code dir/<name>.log}. */
    static Process run(Path dir, String name, List<String> args, Map<String, String> env) throws IOException {
        Files.createDirectories(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-jar", jar().toString()));
        cmd.addAll(args);
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
        b.environment().put("LRSWEEP_HOME", dir.resolve(name + "-home").toString());
        b.environment().put("DJL_OFFLINE", "true");
        b.environment().putAll(env);
        return b.start();
    }

    /**
     * Starts {@code lrsweep worker} polling {@code domain} with one compute slot (or {@code parallel})
     * and waits until it polls.
     */
    static WorkerProcess start(Path dir, String name, String conductorUrl, String store, String domain, int parallel,
                               Map<String, String> env, String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("worker", "--conductor", conductorUrl, "--store", store,
                "--domain", domain, "--parallel", Integer.toString(parallel), "--metrics-port", "0", "--device", "cpu"));
        args.addAll(List.of(extraArgs));
        WorkerProcess w = new WorkerProcess(name, run(dir, name, args, env), dir.resolve(name + ".log"));
        w.awaitLog("lrsweep workers polling", Duration.ofSeconds(90));
        return w;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Waits until the log contains {@code text}; fails if the process exits first or the time runs out. */
    void awaitLog(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (logText().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("worker " + name + " exited with " + process.exitValue() + " before logging '"
                        + text + "'; its log:\n" + tail());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("worker " + name + " did not log '" + text + "' within " + timeout + "; its log:\n"
                + tail());
    }

    String tail() throws IOException {
        List<String> lines = logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Waits for the process to end; returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("worker " + name + " still runs after " + timeout);
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The worker's metrics endpoint, as it announced it. */
    Optional<String> metricsUrl() throws IOException {
        Matcher m = METRICS.matcher(logText());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** One scrape of the worker's /metrics. */
    String scrape() throws Exception {
        String url = metricsUrl().orElseThrow(() -> new AssertionError("worker " + name + " announced no metrics"));
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    /** Kills the process if it still runs (a test that failed half-way must not leave workers behind). */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            signal("CONT");
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
