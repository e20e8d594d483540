package io.lrsweep.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.TinyStudy;
import io.lrsweep.monitoring.Exposition;
import io.lrsweep.monitoring.ExternalMetrics;
import io.lrsweep.monitoring.GrafanaDashboard;
import io.lrsweep.monitoring.MetricsEndpoint;
import io.lrsweep.monitoring.MonitoringFiles;
import io.lrsweep.monitoring.PromQl;
import io.lrsweep.monitoring.PrometheusApi;
import io.lrsweep.monitoring.PrometheusInstallation;
import io.lrsweep.monitoring.RuleFile;
import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.FaultSwitch;
import io.lrsweep.tasks.StudyCompletion;
import io.lrsweep.tasks.StudyProgress;
import io.lrsweep.tasks.WorkerHost;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real Prometheus (Debian's, started by {@link LocalPrometheus} as {@code local up
 * --with-prometheus} does) scrapes a worker that runs a tiny study against the real Conductor
 * server, and the dashboards and rules are checked against what it stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusScrapesAStudyIT {
    private static final Duration SCRAPE = Duration.ofMillis(500);
    private static final String STUDY = "it-prometheus";
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Set<String> FORBIDDEN_LABELS = Set.of("epoch", "step", "iteration", "workflow",
            "workflow_id", "workflowId", "workflowInstanceId", "task", "task_id", "taskId");

    private Path home;
    private LocalConductor conductor;
    private LocalPrometheus prometheus;
    private WorkerMetrics metrics;
    private MetricsEndpoint endpoint;
    private AutoCloseable announced;
    private WorkerHost workers;
    private PrometheusApi api;
    private StudyProgress study;
    private Instant started;
    private Instant finished;
    /** Every metric name the worker's /metrics served while the study ran (read by this test directly). */
    private final Set<String> exported = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeAll
    void runAStudyUnderPrometheus() throws Exception {
        PrometheusInstallation.require("prometheus");
        home = Files.createTempDirectory("lrsweep-prometheus-it");
        int conductorPort = freePort();
        conductor = new LocalConductor(home, conductorPort, Duration.ofSeconds(5));
        assertThat(conductor.up(System.out)).isTrue();
        ConductorApi conductorApi = conductor.api();
        conductorApi.registerDefinitions();
        prometheus = new LocalPrometheus(home, freePort(), conductorPort, SCRAPE);
        assertThat(prometheus.up(System.out)).as("Prometheus started").isTrue();
        api = new PrometheusApi(prometheus.url());

        metrics = new WorkerMetrics(new WorkerIdentity("it-worker", "none", "none"));
        endpoint = MetricsEndpoint.start(metrics, "127.0.0.1", 0);
        announced = new ScrapeTargets(home).announce(endpoint.port()).orElseThrow();
        awaitTargetUp(LocalPrometheus.WORKER_JOB);
        workers = new WorkerHost(conductorApi.apiUrl(), new FileSystemArtifactStore(home.resolve("store")),
                ComputeContext.of("cpu", 2, home.resolve("datasets")), null,
                new FaultSwitch(), metrics).start();

        started = Instant.now();
        // Training curve series exist only while runs are in flight: read /metrics all along.
        var sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        HttpClient http = HttpClient.newHttpClient();
        sampler.scheduleWithFixedDelay(() -> {
            try {
                exported.addAll(Exposition.parse(http.send(HttpRequest.newBuilder(URI.create(endpoint.url())).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).names());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        String id = conductorApi.startStudy(tinyStudy(), Map.of());
        try {
            study = StudyCompletion.await(conductorApi, id, Duration.ofMinutes(4));
        } finally {
            sampler.shutdown();
            sampler.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(study.status()).as(study.reason()).isEqualTo("COMPLETED");
        finished = Instant.now();
        // Prometheus has the final state once it has scraped the report stage's completion.
        awaitData("lrsweep_stage_runs_total{study=\"" + STUDY + "\", stage=\"report\", outcome=\"completed\"} == 1");
        finished = Instant.now();
    }

    @AfterAll
    void stop() throws Exception {
        if (workers != null) {
            workers.close();
        }
        if (announced != null) {
            announced.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (prometheus != null) {
            prometheus.down(System.out);
        }
        if (conductor != null) {
            conductor.down(System.out);
        }
        if (home != null) {
            try (var files = Files.walk(home)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Long enough runs (about a second or two each) that 0.5 s scrapes see them in flight. */
    private static Map<String, Object> tinyStudy() {
        return TinyStudy.input(STUDY, Map.of("plrs", List.of(1e-3, 3.16e-2), "pretrainIterations", 40_000,
                "finetuneIterations", 10_000));
    }

    private void awaitTargetUp(String job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode t : api.targets()) {
                if (t.path("labels").path("job").asText().equals(job) && t.path("health").asText().equals("up")) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Prometheus never scraped job " + job + ": " + api.targets());
    }

    private void awaitData(String expr) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!api.instant(expr, Instant.now()).empty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Prometheus has no data for " + expr);
    }

    private Map<String, String> variables() {
        long window = Duration.between(started, finished).toSeconds() + 10;
        // Grafana's $__rate_interval is four scrape intervals at least.
        return Map.of("study", STUDY, "worker", ".*", "__rate_interval", 4 * SCRAPE.toMillis() + "ms",
                "__interval", SCRAPE.toMillis() + "ms", "__range", window + "s", "datasource", "prometheus");
    }

    private List<GrafanaDashboard.Query> dashboardQueries() throws IOException {
        List<GrafanaDashboard.Query> all = new ArrayList<>();
        for (GrafanaDashboard d : MonitoringFiles.dashboards()) {
            all.addAll(d.queries(variables()));
        }
        return all;
    }

    /** Queries of the study's stages, training and analyses, which must show data for the study. */
    private static boolean aboutTheStudy(String expr) {
        Set<String> names = PromQl.metricNames(expr);
        return names.stream().allMatch(n -> n.startsWith("lrsweep_")) && names.stream().anyMatch(n ->
                n.startsWith("lrsweep_stage_") || n.startsWith("lrsweep_train_") || n.startsWith("lrsweep_test_")
                        || n.startsWith("lrsweep_analysis_") || n.startsWith("lrsweep_checkpoint_"));
    }

    @Test
    void everyDashboardExpressionEvaluatesAndTheStudysStageAndTrainingQueriesReturnData() throws Exception {
        List<GrafanaDashboard.Query> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThan(30);
        List<String> problems = new ArrayList<>();
        int withData = 0;
        for (GrafanaDashboard.Query q : queries) {
            String where = q.dashboard() + " / " + q.source() + ": " + q.expr();
            try {
                api.instant(q.expr(), finished);
                PrometheusApi.Result range = api.range(q.expr(), started.minusSeconds(5), finished, SCRAPE);
                if (aboutTheStudy(q.expr())) {
                    if (range.empty()) {
                        problems.add("no data: " + where);
                    } else {
                        withData++;
                    }
                }
            } catch (IOException e) {
                problems.add(e.getMessage() + ": " + where);
            }
        }
        assertThat(problems).isEmpty();
        assertThat(withData).as("queries about the study that returned data").isGreaterThan(20);
    }

    @Test
    void theTrainingCurvesAndStageCountsOfTheStudyCanBeReadFromPrometheus() throws Exception {
        PrometheusApi.Result loss = api.range("lrsweep_train_loss{study=\"" + STUDY + "\"}", started, finished, SCRAPE);
        assertThat(loss.result()).as("training loss curves").isNotEmpty();
        assertThat(loss.result()).anySatisfy(series -> assertThat(series.path("values").size()).isGreaterThan(1));
        PrometheusApi.Result runs = api.instant("sum by (stage) (lrsweep_stage_runs_total{study=\"" + STUDY
                + "\", outcome=\"completed\"})", finished);
        Map<String, Integer> scraped = new TreeMap<>();
        runs.result().forEach(r -> scraped.put(r.path("metric").path("stage").asText(),
                (int) Double.parseDouble(r.path("value").get(1).asText())));
        Map<String, Integer> conductorSays = new TreeMap<>();
        study.stages().forEach((stage, c) -> {
            if (!stage.equals("branch")) {
                conductorSays.put(stage, c.completed());
            }
        });
        assertThat(scraped).as("completed stages, Prometheus vs Conductor").isEqualTo(conductorSays);
    }

    /** The names a dashboard or rule reads that neither the worker's /metrics nor the documented externals have. */
    private static Set<String> unexported(Set<String> used, Set<String> exported, Set<String> external) {
        Set<String> out = new TreeSet<>();
        for (String name : used) {
            boolean ok = exported.contains(name) || !name.startsWith("lrsweep_") && external.contains(name);
            if (!ok) {
                out.add(name);
            }
        }
        return out;
    }

    @Test
    void everyMetricThatDashboardsAndRulesReadIsExportedByTheWorkerOrADocumentedExternalSource() throws Exception {
        Set<String> used = new TreeSet<>();
        dashboardQueries().forEach(q -> used.addAll(PromQl.metricNames(q.expr())));
        RuleFile.expressions(MonitoringFiles.rules()).values().forEach(e -> used.addAll(PromQl.metricNames(e)));
        assertThat(exported).contains("lrsweep_train_epoch", "lrsweep_stage_runs_total", "jvm_memory_used_bytes");
        Map<String, ExternalMetrics.External> external = ExternalMetrics.documented(MonitoringFiles.readme());
        assertThat(unexported(used, exported, external.keySet())).isEmpty();
        // The same check catches a misspelt or never-exported metric.
        assertThat(unexported(Set.of("lrsweep_stage_runs_totl", "lrsweep_train_step_seconds", "conductor_made_up"),
                exported, external.keySet())).hasSize(3);
        // The Conductor server really exports the external metrics documented as always there.
        for (ExternalMetrics.External e : external.values()) {
            if (e.source().equals("Conductor server") && e.always()) {
                awaitData("count({__name__=\"" + e.name() + "\", job=\"" + LocalPrometheus.CONDUCTOR_JOB + "\"})");
            }
        }
    }

    @Test
    void theScrapedSeriesCarryNoHighCardinalityLabels() throws Exception {
        JsonNode series = api.series("{__name__=~\"lrsweep_.+\"}", started.minusSeconds(30), Instant.now());
        assertThat(series.size()).isGreaterThan(50);
        Map<String, Set<String>> values = new TreeMap<>();
        for (JsonNode s : series) {
            s.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("__name__")) {
                    values.computeIfAbsent(f.getKey(), k -> new TreeSet<>()).add(f.getValue().asText());
                }
            });
        }
        assertThat(values.keySet()).doesNotContainAnyElementsOf(FORBIDDEN_LABELS).contains("study", "stage", "plr");
        values.forEach((label, vs) -> {
            assertThat(vs).as("values of " + label).hasSizeLessThanOrEqualTo(20);
            assertThat(vs).as("values of " + label).noneMatch(v -> UUID.matcher(v).find());
        });
    }

    @Test
    void theAlertRulesLoadAndEvaluateCleanlyInPrometheus() throws Exception {
        Set<String> alerts = RuleFile.expressions(MonitoringFiles.rules()).keySet();
        List<String> healthy = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do {
            healthy.clear();
            for (JsonNode g : api.rules()) {
                for (JsonNode r : g.path("rules")) {
                    assertThat(r.path("lastError").asText("")).as(r.path("name").asText()).isEmpty();
                    if (r.path("health").asText().equals("ok")) {
                        healthy.add(r.path("name").asText());
                    }
                }
            }
        } while (healthy.size() < alerts.size() && System.nanoTime() < deadline && sleep());
        assertThat(healthy).containsExactlyInAnyOrderElementsOf(alerts);
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }
}
