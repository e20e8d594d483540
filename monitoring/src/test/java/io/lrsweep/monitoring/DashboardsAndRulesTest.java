package io.lrsweep.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Offline checks of the dashboards and rules: their structure, and that every metric they read is
 * one the worker's registry exports (here: an in-process WorkerMetrics that ran every metric once)
 * or a documented external metric. The integration test repeats the name check against a real
 * worker's /metrics and evaluates every expression in a real Prometheus.
 */
class DashboardsAndRulesTest {
    static final Map<String, String> VARIABLES = Map.of("study", "s1", "worker", ".*", "__rate_interval", "1m",
            "__interval", "15s", "__range", "1h", "datasource", "prometheus");

    @Test
    void theFourDashboardsHaveStableIdsAStudyOrWorkerVariableAndPanelsWithQueries() throws Exception {
        List<GrafanaDashboard> dashboards = MonitoringFiles.dashboards();
        assertThat(dashboards).extracting(GrafanaDashboard::title).containsExactly("lrsweep / GPUs",
                "lrsweep / Landscape", "lrsweep / Study overview", "lrsweep / Training");
        Set<String> uids = new HashSet<>();
        for (GrafanaDashboard d : dashboards) {
            assertThat(uids.add(d.json().path("uid").asText())).as(d.title() + " uid is unique").isTrue();
            assertThat(d.variables()).extracting(v -> v.path("name").asText()).as(d.title())
                    .contains("datasource").containsAnyOf("study", "worker");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode p : d.panels()) {
                assertThat(ids.add(p.path("id").asInt())).as(d.title() + " panel ids are unique").isTrue();
                if (!p.path("type").asText().equals("row")) {
                    assertThat(p.path("targets")).as(d.title() + " / " + p.path("title").asText()).isNotEmpty();
                    assertThat(p.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
                }
            }
            assertThat(d.queries(VARIABLES)).as(d.title()).allSatisfy(q -> assertThat(q.expr()).isNotBlank()
                    .doesNotContain("$study").doesNotContain("$__"));
        }
    }

    @Test
    void everyStudyScopedLrsweepQueryFiltersByTheStudyVariable() throws Exception {
        for (GrafanaDashboard d : MonitoringFiles.dashboards()) {
            for (JsonNode p : d.panels()) {
                for (JsonNode t : p.path("targets")) {
                    String expr = t.path("expr").asText();
                    boolean studyLabelled = PromQl.metricNames(expr).stream().anyMatch(n -> n.startsWith("lrsweep_")
                            && !n.startsWith("lrsweep_conductor_") && !n.startsWith("lrsweep_worker_")
                            && !n.startsWith("lrsweep_checkpoint_") && !n.startsWith("lrsweep_train_step_"));
                    if (studyLabelled && d.variables().stream().anyMatch(v -> v.path("name").asText().equals("study"))) {
                        assertThat(expr).as(d.title() + " / " + p.path("title").asText()).contains("study=\"$study\"");
                    }
                }
            }
        }
    }

    @Test
    void everyMetricReadByADashboardOrRuleIsExportedByTheWorkerOrDocumentedAsExternal() throws Exception {
        Set<String> exported;
        try (WorkerMetrics metrics = new WorkerMetrics(new WorkerIdentity("w", "none", "none"))) {
            WorkerMetricsTest.exerciseEveryMetric(metrics);
            metrics.training().run("s1", "finetune", 0.1, 1e-4, 0).epoch(1, 0.1, 0.9);
            exported = Exposition.parse(metrics.scrape()).names();
        }
        Set<String> external = ExternalMetrics.documented(MonitoringFiles.readme()).keySet();
        Set<String> unknown = new TreeSet<>();
        for (String name : usedMetricNames()) {
            if (!exported.contains(name) && !external.contains(name)) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as("metrics neither exported by a worker nor documented as external").isEmpty();
        assertThat(usedMetricNames()).as("every documented external metric is used").containsAll(external);
    }

    @Test
    void theNameCheckCatchesAMetricThatNobodyExports() throws Exception {
        Set<String> names = PromQl.metricNames(GrafanaDashboard.substitute(
                "sum by (stage) (rate(lrsweep_stage_runs_totl{study=\"$study\"}[$__rate_interval]))", VARIABLES));
        assertThat(names).containsExactly("lrsweep_stage_runs_totl");
        assertThat(ExternalMetrics.documented(MonitoringFiles.readme())).doesNotContainKey("lrsweep_stage_runs_totl");
    }

    @Test
    void everyAlertHasAPromtoolCaseThatExpectsItToFire() throws Exception {
        assertThat(RuleFile.expressions(MonitoringFiles.rules()).keySet()).containsExactlyInAnyOrder(
                "LrsweepStageFailingRepeatedly", "LrsweepTrainingStalled", "LrsweepTaskTypeNotPolled",
                "LrsweepGpuIdleWhileStageRuns");
        assertThat(RuleFile.alertsExpectedToFire(MonitoringFiles.rulesTest()))
                .containsAll(RuleFile.expressions(MonitoringFiles.rules()).keySet());
    }

    /** Every metric name in every dashboard expression and rule. */
    static Set<String> usedMetricNames() throws Exception {
        Set<String> names = new TreeSet<>();
        for (GrafanaDashboard d : MonitoringFiles.dashboards()) {
            d.queries(VARIABLES).forEach(q -> names.addAll(PromQl.metricNames(q.expr())));
        }
        RuleFile.expressions(MonitoringFiles.rules()).values().forEach(e -> names.addAll(PromQl.metricNames(e)));
        return names;
    }
}
