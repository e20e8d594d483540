package io.lrsweep.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.monitoring.MonitoringFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and dashboards have one source, monitoring/: the chart reads it through symlinks
 * (which Helm resolves, also when packaging), and what it renders equals that source.
 */
class MonitoringSourceTest {
    private static ChartRender.Result monitoring() throws Exception {
        return ChartRender.render(ChartFiles.chart().resolve("ci/monitoring.yaml"));
    }

    @Test
    void theChartReadsDashboardsAndRulesThroughSymlinksIntoMonitoring() throws Exception {
        for (String dir : List.of("grafana", "prometheus")) {
            Path link = ChartFiles.chart().resolve("files").resolve(dir);
            assertThat(Files.isSymbolicLink(link)).as(link + " is a symlink").isTrue();
            assertThat(link.toRealPath()).isEqualTo(MonitoringFiles.root().resolve(dir).toRealPath());
        }
    }

    @Test
    void everyDashboardConfigMapCarriesItsMonitoringDashboardByteForByte() throws Exception {
        ChartRender.Result r = monitoring();
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(MonitoringFiles.root().resolve("grafana"))) {
            dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(dashboards).hasSizeGreaterThanOrEqualTo(4);
        for (Path d : dashboards) {
            String file = d.getFileName().toString();
            Manifest cm = r.named("ConfigMap", ChartRender.RELEASE + "-lrsweep-dashboard-" + file.replace(".json", ""));
            assertThat(cm.body().path("data").path(file).asText()).as(file).isEqualTo(Files.readString(d));
            assertThat(cm.body().path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
            assertThat(cm.body().path("metadata").path("labels").path("release").asText()).isEqualTo("kps");
            assertThat(cm.body().path("metadata").path("annotations").path("grafana_folder").asText()).isEqualTo("lrsweep");
        }
        assertThat(r.manifests().stream().filter(m -> m.body().path("metadata").path("labels").has("grafana_dashboard")))
                .as("one ConfigMap per dashboard, no more").hasSize(dashboards.size());
    }

    @Test
    void thePrometheusRuleCarriesTheGroupsOfTheMonitoringRulesUnchanged() throws Exception {
        Manifest rule = monitoring().named("PrometheusRule", ChartRender.RELEASE + "-lrsweep-alerts");
        JsonNode source = Manifest.YAML.readTree(MonitoringFiles.rules().toFile());
        assertThat(rule.body().path("spec").path("groups")).isEqualTo(source.path("groups"));
        assertThat(rule.body().path("metadata").path("labels").path("release").asText()).isEqualTo("kps");
    }

    @Test
    void monitorsScrapeTheJobsTheDashboardsSelect() throws Exception {
        ChartRender.Result r = monitoring();
        Manifest pods = r.named("PodMonitor", ChartRender.RELEASE + "-lrsweep-workers");
        Manifest server = r.named("ServiceMonitor", ChartRender.RELEASE + "-lrsweep-conductor");
        assertThat(pods.body().path("spec").path("podMetricsEndpoints").get(0).path("relabelings").toString())
                .contains("\"targetLabel\":\"job\",\"replacement\":\"lrsweep-workers\"");
        assertThat(server.body().path("spec").path("endpoints").get(0).path("path").asText())
                .isEqualTo("/actuator/prometheus");
        assertThat(server.body().path("spec").path("endpoints").get(0).path("relabelings").toString())
                .contains("\"targetLabel\":\"job\",\"replacement\":\"conductor\"");
        // Every job a dashboard or rule names is one that these monitors produce.
        java.util.Set<String> jobs = new java.util.TreeSet<>();
        try (Stream<Path> files = Stream.concat(Files.list(MonitoringFiles.root().resolve("grafana")),
                Stream.of(MonitoringFiles.rules()))) {
            for (Path f : files.toList()) {
                var m = java.util.regex.Pattern.compile("job=~?\\\\?\"([^\"\\\\]+)").matcher(Files.readString(f));
                while (m.find()) {
                    jobs.add(m.group(1));
                }
            }
        }
        assertThat(jobs).isNotEmpty().isSubsetOf("lrsweep-workers", "conductor");
    }
}
