package io.lrsweep.local;

import io.lrsweep.tasks.ConductorApi;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The real Conductor OSS server jar run as a local process with SQLite persistence under
 * {@code <home>/conductor}, listening on 127.0.0.1. The jar comes from the Maven cache (fetched
 * with {@code mvn dependency:get} when absent) and is never part of the repository; it starts
 * unpacked, with a class cache, from {@link #machineCache} ({@link UnpackedServer}).
 */
public final class LocalConductor {
    public static final String SERVER_VERSION = "3.32.3";
    private static final String ARTIFACT = "org.conductoross:conductor-server:" + SERVER_VERSION + ":jar:boot";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);
    /**
     * The server's JIT stops at C1: its work is short HTTP requests and queue queries, which the
     * optimising compiler spent more CPU compiling than it saved (README, Performance).
     */
    static final List<String> JIT = List.of("-XX:TieredStopAtLevel=1");
    private final Path dir;
    private final int port;
    private final BackgroundProcess process;
    private final Duration queueMetricsEvery;
    private final ConductorDatabase database;

    /** A server with Conductor's own metric schedule (queue depths first after 2 min, then every minute). */
    public LocalConductor(Path home, int port) {
        this(home, port, null);
    }

    /**
     * @param queueMetricsEvery how often the server refreshes its queue-depth and running-workflow
     *     gauges for Prometheus (first after 10 s); null for the server's default
     */
    public LocalConductor(Path home, int port, Duration queueMetricsEvery) {
        this(home, port, queueMetricsEvery, ConductorDatabase.sqlite(directory(home)));
    }

    /** @param database what the server persists to (default: {@link ConductorDatabase#sqlite} in its folder) */
    public LocalConductor(Path home, int port, Duration queueMetricsEvery, ConductorDatabase database) {
        this.dir = directory(home);
        this.port = port;
        this.process = new BackgroundProcess(dir, "server");
        this.queueMetricsEvery = queueMetricsEvery;
        this.database = database;
    }

    /** The server's folder under {@code home}: pid, log, temporary files and the SQLite database. */
    public static Path directory(Path home) {
        return home.toAbsolutePath().resolve("conductor");
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public ConductorApi api() {
        return new ConductorApi(url());
    }

    public Path logFile() {
        return process.logFile();
    }

    /** Starts the server unless one already answers on the port; returns true if this call started it. */
    public boolean up(PrintStream out) throws IOException, InterruptedException {
        if (api().healthy()) {
            out.println("Conductor already running at " + url());
            return false;
        }
        Path jar = serverJar(out);
        Files.createDirectories(dir.resolve("tmp"));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(UnpackedServer.HEAP);
        cmd.addAll(JIT);
        Optional<UnpackedServer> unpacked = UnpackedServer.of(jar, machineCache(), java, out);
        if (unpacked.isPresent()) {
            jar = unpacked.get().jar();
            cmd.addAll(unpacked.get().classCacheOptions(Runtime.version().feature(), out));
        }
        cmd.addAll(List.of("-Djava.io.tmpdir=" + dir.resolve("tmp"), "-jar", jar.toString(),
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--conductor.file-storage.parentDir=" + dir.resolve("files")));
        cmd.addAll(ServerTuning.arguments());
        cmd.addAll(database.arguments());
        if (queueMetricsEvery != null) {
            // The server's defaults (120 s, then 60 s) leave the dashboards' queue panels blank for minutes;
            // only when someone scrapes, since the refresh queries every queue of the database.
            cmd.add("--conductor.workflow-monitor.stats.initial-delay=10000");
            cmd.add("--conductor.workflow-monitor.stats.delay=" + queueMetricsEvery.toMillis());
        }
        Process p = process.start(cmd, database.environment());
        out.println("Starting Conductor " + SERVER_VERSION + " (pid " + p.pid() + ", on " + database.name() + ", files in "
                + dir + ") …");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("Conductor exited with code " + p.exitValue() + " during start; last lines of "
                        + logFile() + ":\n" + process.tail(20));
            }
            if (api().healthy()) {
                out.println("Conductor is up: API " + url() + "/api, Swagger UI " + url() + "/swagger-ui/index.html");
                return true;
            }
            // A start from the class cache takes ~4 s: a second between looks would add a quarter of it.
            Thread.sleep(250);
        }
        p.destroy();
        throw new IOException("Conductor did not become healthy within " + START_TIMEOUT.toSeconds() + " s; see "
                + logFile());
    }

    /** Stops the server this directory started, if it runs. */
    public boolean down(PrintStream out) throws IOException, InterruptedException {
        Optional<Long> pid = process.stop();
        out.println(pid.map(p -> "Conductor stopped (pid " + p + ")")
                .orElse("No local Conductor is running (from " + dir + ")"));
        return pid.isPresent();
    }

    /** The server process this directory started, if it runs. */
    public Optional<ProcessHandle> process() throws IOException {
        return process.running();
    }

    public String status() throws IOException {
        Optional<ProcessHandle> h = process.running();
        boolean healthy = api().healthy();
        return (healthy ? "up" : "down") + " at " + url() + h.map(p -> " (pid " + p.pid() + ")").orElse("")
                + ", data in " + dir;
    }

    /** The server jar: $LRSWEEP_CONDUCTOR_JAR, else the Maven cache, fetched through Maven if missing. */
    static Path serverJar(PrintStream out) throws IOException, InterruptedException {
        String explicit = System.getenv("LRSWEEP_CONDUCTOR_JAR");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (!Files.isRegularFile(p)) {
                throw new IOException("LRSWEEP_CONDUCTOR_JAR points at " + p + ", which is not a file");
            }
            return p;
        }
        Path cached = mavenRepository().resolve("org/conductoross/conductor-server/" + SERVER_VERSION
                + "/conductor-server-" + SERVER_VERSION + "-boot.jar");
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        out.println("Fetching the Conductor server jar (" + ARTIFACT + ", ~460 MB) into the Maven cache …");
        Process mvn;
        try {
            mvn = new ProcessBuilder("mvn", "-q", "-B", "dependency:get", "-Dtransitive=false", "-Dartifact=" + ARTIFACT)
                    .inheritIO().start();
        } catch (IOException e) {
            throw new IOException("the Conductor server jar is not in " + cached + " and Maven (mvn) is not on PATH"
                    + " to fetch it; install Maven or set LRSWEEP_CONDUCTOR_JAR", e);
        }
        if (mvn.waitFor() != 0 || !Files.isRegularFile(cached)) {
            throw new IOException("could not fetch " + ARTIFACT + " with Maven (exit " + mvn.exitValue() + ")");
        }
        return cached;
    }

    /**
     * Where the unpacked server and its class cache live, shared by every lrsweep home of this user:
     * {@code $XDG_CACHE_HOME/lrsweep}, else {@code ~/.cache/lrsweep}.
     */
    static Path machineCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("lrsweep");
    }

    private static Path mavenRepository() {
        String local = System.getProperty("maven.repo.local");
        if (local == null || local.isBlank()) {
            local = System.getenv("LRSWEEP_MAVEN_REPO");
        }
        return local != null && !local.isBlank() ? Path.of(local)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }
}
