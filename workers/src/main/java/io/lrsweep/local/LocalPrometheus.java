package io.lrsweep.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Debian's Prometheus (if installed) as a local process on 127.0.0.1, with a generated
 * configuration: the local Conductor server's {@code /actuator/prometheus}, every local worker
 * announced in {@link ScrapeTargets}, and lrsweep's alert rules. Data under
 * {@code <home>/prometheus/data}.
 */
public final class LocalPrometheus {
    public static final int DEFAULT_PORT = 9090;
    /** The scrape job names the dashboards and rules expect. */
    public static final String WORKER_JOB = "lrsweep-workers";
    public static final String CONDUCTOR_JOB = "conductor";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private final Path dir;
    private final int port;
    private final int conductorPort;
    private final Duration scrapeInterval;
    private final BackgroundProcess process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** @param scrapeInterval how often to scrape and evaluate rules (5 s locally; tests use less) */
    public LocalPrometheus(Path home, int port, int conductorPort, Duration scrapeInterval) {
        this.dir = directory(home);
        this.port = port;
        this.conductorPort = conductorPort;
        this.scrapeInterval = scrapeInterval;
        this.process = new BackgroundProcess(dir, "prometheus");
    }

    static Path directory(Path home) {
        return home.toAbsolutePath().resolve("prometheus");
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The Prometheus binary: $LRSWEEP_PROMETHEUS, else {@code prometheus} on the PATH, else Debian's /usr/bin. */
    public static Optional<Path> binary() {
        String explicit = System.getenv("LRSWEEP_PROMETHEUS");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, "prometheus");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.of(Path.of("/usr/bin/prometheus")).filter(Files::isExecutable);
    }

    /**
     * Writes the configuration and starts Prometheus, unless one already answers on the port.
     *
     * @return true if this call started it; false if it already ran or is not installed (said on {@code out})
     */
    public boolean up(PrintStream out) throws IOException, InterruptedException {
        if (ready()) {
            out.println("Prometheus already running at " + url());
            return false;
        }
        Optional<Path> bin = binary();
        if (bin.isEmpty()) {
            out.println("Prometheus is not installed (Debian: apt-get install prometheus; or set LRSWEEP_PROMETHEUS);"
                    + " continuing without it.");
            return false;
        }
        ScrapeTargets targets = new ScrapeTargets(dir.getParent());
        Files.createDirectories(targets.directory());
        targets.pruneDead();
        Path rules = dir.resolve("rules.yml");
        try (InputStream in = LocalPrometheus.class.getResourceAsStream("/monitoring/prometheus/rules.yml")) {
            if (in == null) {
                throw new IOException("the alert rules are missing from the jar (monitoring/prometheus/rules.yml)");
            }
            Files.write(rules, in.readAllBytes());
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, configuration(rules, targets.directory()));
        Process p = process.start(List.of(bin.get().toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port));
        out.println("Starting Prometheus (pid " + p.pid() + ", data in " + dir + ") …");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("Prometheus exited with code " + p.exitValue() + " during start; last lines of "
                        + process.logFile() + ":\n" + process.tail(20));
            }
            if (ready()) {
                out.println("Prometheus is up: " + url() + " (scrapes Conductor and the workers in "
                        + targets.directory() + ")");
                return true;
            }
            Thread.sleep(250);
        }
        p.destroy();
        throw new IOException("Prometheus was not ready within " + START_TIMEOUT.toSeconds() + " s; see "
                + process.logFile());
    }

    String configuration(Path rules, Path targets) {
        String interval = scrapeInterval.toMillis() + "ms";
        return """
                # Generated by lrsweep (local up --with-prometheus); rewritten at every start.
                global:
                  scrape_interval: %1$s
                  evaluation_interval: %1$s
                rule_files:
                  - '%2$s'
                scrape_configs:
                  - job_name: %3$s
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%4$d']
                  - job_name: %5$s
                    file_sd_configs:
                      - files: ['%6$s/*.json']
                        refresh_interval: %1$s
                """.formatted(interval, rules, CONDUCTOR_JOB, conductorPort, WORKER_JOB, targets);
    }

    /** Stops the Prometheus this home started, if it runs. */
    public boolean down(PrintStream out) throws IOException, InterruptedException {
        Optional<Long> pid = process.stop();
        pid.ifPresent(p -> out.println("Prometheus stopped (pid " + p + ")"));
        return pid.isPresent();
    }

    public String status() throws IOException {
        Optional<ProcessHandle> h = process.running();
        return h.map(p -> "up at " + url() + " (pid " + p.pid() + ")").orElse(ready() ? "up at " + url() : "down")
                + ", data in " + dir;
    }

    private boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).timeout(Duration.ofSeconds(2))
                    .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
