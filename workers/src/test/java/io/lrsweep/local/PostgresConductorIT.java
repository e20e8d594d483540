package io.lrsweep.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.conductor.common.run.Workflow;
import io.lrsweep.TinyStudy;
import io.lrsweep.cli.Main;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.FaultSwitch;
import io.lrsweep.tasks.StudyCompletion;
import io.lrsweep.tasks.StudyProgress;
import io.lrsweep.tasks.WorkerHost;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real Conductor server jar on a throw-away PostgreSQL cluster (Debian's binaries, started the
 * way {@code lrsweep local up --db postgres} does, with the Helm chart's property file), next to the
 * same jar on SQLite; workers in this JVM on filesystem stores. A study on Postgres must write the
 * very report the SQLite server's study writes, survive a restart of the server, and resume after a
 * failure without training again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresConductorIT {
    private static final Duration STUDY_TIMEOUT = Duration.ofMinutes(4);
    private Path home;
    private LocalPostgres postgres;
    private LocalConductor onPostgres;
    private LocalConductor onSqlite;
    private final Map<LocalConductor, WorkerHost> hosts = new HashMap<>();
    private final Map<LocalConductor, ComputeContext> contexts = new HashMap<>();
    private final Map<LocalConductor, ArtifactStore> stores = new HashMap<>();
    private final FaultSwitch faults = new FaultSwitch();
    private String registerOutput;
    private int registerExit;
    private double postgresStartSeconds;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeAll
    void startPostgresBothServersAndWorkers() throws Exception {
        try {
            LocalPostgres.binary("initdb");
        } catch (IOException e) {
            // Skipped with the reason on a developer's machine; CI (CI=true) installs PostgreSQL, so there it fails.
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(e.getMessage() + " CI=true: the Postgres-backed server must be tested", e);
            }
            org.junit.jupiter.api.Assumptions.abort(e.getMessage() + " Skipping.");
        }
        home = Files.createTempDirectory("lrsweep-it-pg");
        postgres = new LocalPostgres(home, freePort());
        long t0 = System.nanoTime();
        assertThat(postgres.up(System.out)).as("a fresh cluster was started").isTrue();
        postgresStartSeconds = (System.nanoTime() - t0) / 1e9;
        Path pgHome = home.resolve("on-postgres");
        onPostgres = new LocalConductor(pgHome, freePort(), null,
                ConductorDatabase.postgres(postgres, LocalConductor.directory(pgHome)));
        onSqlite = new LocalConductor(home.resolve("on-sqlite"), freePort());
        // `lrsweep register` starts before the server is up: it must wait, then register.
        CompletableFuture<Void> register = CompletableFuture.runAsync(this::registerWithTheCli);
        CompletableFuture<Boolean> sqliteUp = CompletableFuture.supplyAsync(() -> up(onSqlite));
        assertThat(up(onPostgres)).as("the Postgres-backed server started").isTrue();
        assertThat(sqliteUp.get(5, TimeUnit.MINUTES)).as("the SQLite-backed server started").isTrue();
        register.get(8, TimeUnit.MINUTES);
        // The CLI's outcome is checked by its own test; the other tests need the definitions either way.
        onPostgres.api().registerDefinitions();
        onSqlite.api().registerDefinitions();
        for (LocalConductor c : List.of(onPostgres, onSqlite)) {
            stores.put(c, new FileSystemArtifactStore(home.resolve("store-" + c.url().replaceAll("\\D", ""))));
            contexts.put(c, ComputeContext.cpu(home.resolve("datasets")));
            hosts.put(c, new WorkerHost(c.api().apiUrl(), stores.get(c), contexts.get(c), null, faults).start());
        }
    }

    private void registerWithTheCli() {
        var out = new java.io.StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out));
        cl.setErr(new java.io.PrintWriter(out));
        // Longer than the server's own start limit (4 min), so that a slow start under load is no failure.
        registerExit = cl.execute("register", "--conductor", onPostgres.url(), "--wait", "360");
        registerOutput = out.toString();
    }

    private static boolean up(LocalConductor c) {
        try {
            return c.up(System.out);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        hosts.values().forEach(WorkerHost::close);
        contexts.values().forEach(ComputeContext::close);
        for (LocalConductor c : new LocalConductor[] {onPostgres, onSqlite}) {
            if (c != null) {
                c.down(System.out);
            }
        }
        if (postgres != null) {
            postgres.down(System.out);
            postgres.delete();
        }
    }

    private static Map<String, Object> tinyStudy(String studyId, List<Double> plrs) {
        return tinyStudy(studyId, plrs, Map.of());
    }

    private static Map<String, Object> tinyStudy(String studyId, List<Double> plrs, Map<String, Object> extra) {
        Map<String, Object> overrides = new HashMap<>(Map.of("plrs", plrs, "pretrainIterations", 600,
                "finetuneIterations", 200, "testSize", 400, "singleFeatureSize", 200));
        overrides.putAll(extra);
        return TinyStudy.input(studyId, overrides);
    }

    private StudyProgress await(LocalConductor c, String id) throws Exception {
        return StudyCompletion.await(c.api(), id, STUDY_TIMEOUT);
    }

    @Test
    void theCliRegisteredTheDefinitionsOnceTheServerWasReadyAndAgainHarmlessly() {
        assertThat(registerExit).as(registerOutput).isZero();
        assertThat(registerOutput).contains("not ready yet").contains("Registered lrsweep's task definitions");
        var out = new java.io.StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out));
        assertThat(cl.execute("register", "--conductor", onPostgres.url() + "/api", "--wait", "0"))
                .as("registering again is harmless").isZero();
        assertThat(out.toString()).contains("(attempt 1,");
    }

    @Test
    void theServerRunsOnPostgresWithTheChartsProperties() throws Exception {
        String log = Files.readString(onPostgres.logFile());
        assertThat(log).containsPattern("Database Type\\s*:\\s*postgres").containsPattern("Queue Type\\s*:\\s*postgres")
                .containsPattern("Indexing Type\\s*:\\s*postgres");
        Path used = LocalConductor.directory(home.resolve("on-postgres")).resolve("postgres.properties");
        Path chart = Path.of(System.getProperty("lrsweep.helm.dir", "../helm")).resolve(
                "lrsweep/files/conductor/postgres.properties");
        assertThat(Files.readString(used)).isEqualTo(Files.readString(chart));
        assertThat(log).as("the password stays out of the server's log")
                .doesNotContain(postgres.password());
        System.out.printf("PostgreSQL cluster created and started in %.1f s%n", postgresStartSeconds);
    }

    @Test
    void aTinyStudyOnPostgresWritesTheSameReportAsOnSqlite() throws Exception {
        String studyId = "pg-vs-sqlite";
        Map<LocalConductor, String> ids = new HashMap<>();
        Map<LocalConductor, Double> seconds = new HashMap<>();
        for (LocalConductor c : List.of(onPostgres, onSqlite)) {
            long t0 = System.nanoTime();
            String id = c.api().startStudy(tinyStudy(studyId, List.of(1e-3, 3.16e-2)), Map.of());
            StudyProgress p = await(c, id);
            seconds.put(c, (System.nanoTime() - t0) / 1e9);
            assertThat(p.status()).as(p.reason()).isEqualTo("COMPLETED");
            ids.put(c, id);
        }
        for (String file : List.of("results.json", "results.csv")) {
            String key = "studies/" + studyId + "/report/" + file;
            assertThat(read(stores.get(onPostgres), key)).as(file).isEqualTo(read(stores.get(onSqlite), key));
        }
        System.out.printf("tiny study (2 PLRs, 1 seed): %.1f s on Postgres, %.1f s on SQLite (load %s)%n",
                seconds.get(onPostgres), seconds.get(onSqlite), loadAverage());
    }

    @Test
    void aStudySurvivesARestartOfThePostgresBackedServer() throws Exception {
        ConductorApi api = onPostgres.api();
        String id = api.startStudy(tinyStudy(null, List.of(2e-3, 1e-2, 5e-2)), Map.of());
        StudyProgress before = StudyProgress.of(api, id);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (done(before) < 2 && !before.finished() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            before = StudyProgress.of(api, id);
        }
        assertThat(before.status()).as("still running when paused: " + before.line()).isEqualTo("RUNNING");
        // Paused, the study schedules nothing new; once what was scheduled has finished, no result is
        // in flight while the server is away (a result lost in an outage is issue 14's case, not this one's).
        List<String> workflows = studyAndBranches(api, id);
        for (String w : workflows) {
            put(onPostgres, "/api/workflow/" + w + "/pause");
        }
        before = quiet(api, id);
        onPostgres.down(System.out);
        assertThat(api.healthy()).isFalse();
        assertThat(onPostgres.up(System.out)).as("restarted").isTrue();
        StudyProgress after = StudyProgress.of(api, id);
        assertThat(after.status()).isEqualTo("PAUSED");
        assertThat(done(after)).as("finished stages are still known after the restart").isEqualTo(done(before));
        for (String w : workflows) {
            put(onPostgres, "/api/workflow/" + w + "/resume");
        }
        StudyProgress end = await(onPostgres, id);
        assertThat(end.status()).as(end.reason()).isEqualTo("COMPLETED");
        assertThat(end.branches()).isEqualTo(3);
        assertThat(stores.get(onPostgres).exists("studies/" + id + "/report/index.html")).isTrue();
    }

    /** The study's workflow id and those of the branches started so far. */
    private static List<String> studyAndBranches(ConductorApi api, String id) throws IOException {
        List<String> ids = new java.util.ArrayList<>(List.of(id));
        for (var t : api.workflow(id).getTasks()) {
            if (t.getSubWorkflowId() != null) {
                ids.add(t.getSubWorkflowId());
            }
        }
        return ids;
    }

    /** Waits until no lrsweep task of the paused study is scheduled or running; returns where it stands. */
    private StudyProgress quiet(ConductorApi api, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            StudyProgress p = StudyProgress.of(api, id);
            // "branch" counts the running sub-workflows themselves, not work in flight.
            boolean idle = p.stages().entrySet().stream()
                    .allMatch(e -> e.getKey().equals("branch") || e.getValue().running() + e.getValue().scheduled() == 0);
            if (idle && hosts.get(onPostgres).stagesInFlight() == 0) {
                return p;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the paused study still had tasks in flight after 2 min: " + StudyProgress.of(api, id).line());
    }

    private static void put(LocalConductor c, String path) throws IOException, InterruptedException {
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.url() + path))
                .PUT(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("PUT " + path + ": " + r.body()).isBetween(200, 299);
    }

    @Test
    void aFailedStudyOnPostgresResumesWithoutTrainingAgain() throws Exception {
        ConductorApi api = onPostgres.api();
        ArtifactStore store = stores.get(onPostgres);
        List<Double> plrs = List.of(3e-3, 7e-2);
        faults.failNext("lrsweep_analyze", 1);
        // Without baselines, the training on resume is exactly that of the sweep's unfinished stages.
        String id = api.startStudy(tinyStudy(null, plrs, Map.of("convergenceBudget", 0, "twoStage", false)),
                Map.of());
        StudyProgress failed = await(onPostgres, id);
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.failures()).anySatisfy(f -> assertThat(f).contains("analyze").contains("injected fault"));
        // Stages of the cancelled sibling branch may still be finishing in the worker: let them.
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < 1_000_000_000L) {
            if (hosts.get(onPostgres).stagesInFlight() > 0) {
                quietSince = System.nanoTime();
            }
            Thread.sleep(50);
        }
        int unfinishedPretrains = 0;
        int unfinishedFinetunes = 0;
        for (double plr : plrs) {
            unfinishedPretrains += store.exists(StudyLayout.pretrain(id, plr, 0) + "/MANIFEST.json") ? 0 : 1;
            for (double flr : List.of(3.16e-5, 7.5e-3)) {
                unfinishedFinetunes += store.exists(StudyLayout.finetune(id, plr, 0, flr) + "/MANIFEST.json") ? 0 : 1;
            }
        }
        long steps = contexts.get(onPostgres).stepsTaken();
        api.retry(id);
        // The first read after a retry may still answer FAILED (seen once in CI: the await then
        // returned the old failure at once); ConductorStudyIT and RefineStudyIT wait the same way.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (api.workflow(id).getStatus() == Workflow.WorkflowStatus.FAILED) {
            assertThat(System.nanoTime()).as("the retried study " + id + " left FAILED").isLessThan(deadline);
            Thread.sleep(200);
        }
        StudyProgress resumed = await(onPostgres, id);
        assertThat(resumed.status()).as(resumed.reason()).isEqualTo("COMPLETED");
        assertThat(contexts.get(onPostgres).stepsTaken() - steps).as("SGD steps on resume: only the unfinished stages")
                .isEqualTo(600L * unfinishedPretrains + 200L * unfinishedFinetunes);
        assertThat(store.exists("studies/" + id + "/report/index.html")).isTrue();
    }

    private static int done(StudyProgress p) {
        return p.stages().values().stream().mapToInt(s -> s.completed() + s.cached()).sum();
    }

    private static String read(ArtifactStore store, String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
