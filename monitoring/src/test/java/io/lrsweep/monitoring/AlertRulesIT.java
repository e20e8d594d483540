package io.lrsweep.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert rules and the dashboards' PromQL checked by Debian's promtool (no server needed). */
class AlertRulesIT {
    @TempDir
    Path tmp;

    @Test
    void theRuleFilePassesPromtoolCheckRules() throws Exception {
        Promtool.Run r = Promtool.run("check", "rules", MonitoringFiles.rules().toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 4 rules found");
    }

    @Test
    void everyAlertPassesItsPromtoolUnitTests() throws Exception {
        Promtool.Run r = Promtool.run("test", "rules", MonitoringFiles.rulesTest().toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void everyDashboardExpressionParsesAsPromQl() throws Exception {
        List<GrafanaDashboard.Query> queries = new java.util.ArrayList<>();
        for (GrafanaDashboard d : MonitoringFiles.dashboards()) {
            queries.addAll(d.queries(DashboardsAndRulesTest.VARIABLES));
        }
        assertThat(queries).hasSizeGreaterThan(30);
        Promtool.Run r = Promtool.run("check", "rules", asRecordingRules(queries).toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void aBrokenExpressionFailsTheParseCheck() throws Exception {
        Promtool.Run r = Promtool.run("check", "rules", asRecordingRules(List.of(new GrafanaDashboard.Query("d",
                "panel", "sum by (stage) (rate(lrsweep_stage_runs_total[1m])"))).toString());
        assertThat(r.exitCode()).as(r.output()).isNotZero();
    }

    /** The queries as recording rules of one group, so that promtool parses them. */
    private Path asRecordingRules(List<GrafanaDashboard.Query> queries) throws Exception {
        StringBuilder b = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        for (int i = 0; i < queries.size(); i++) {
            b.append("      - record: dashboard_check:q").append(i).append('\n');
            b.append("        expr: '").append(queries.get(i).expr().replace("'", "''").replace("\n", " "))
                    .append("'\n");
        }
        Path file = tmp.resolve("dashboards.rules.yml");
        Files.writeString(file, b);
        return file;
    }
}
