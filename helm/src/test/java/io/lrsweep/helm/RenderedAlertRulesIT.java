package io.lrsweep.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lrsweep.monitoring.MonitoringFiles;
import io.lrsweep.monitoring.Promtool;
import io.lrsweep.monitoring.RuleFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules as the cluster gets them: the rendered PrometheusRule's groups, written back to a
 * rule file, pass Debian's {@code promtool check rules} and the project's rule unit tests.
 */
class RenderedAlertRulesIT {
    @TempDir
    Path tmp;

    @Test
    void theRenderedRuleGroupsPassPromtoolAndTheRuleUnitTests() throws Exception {
        Manifest rule = ChartRender.render(ChartFiles.chart().resolve("ci/monitoring.yaml"))
                .named("PrometheusRule", ChartRender.RELEASE + "-lrsweep-alerts");
        ObjectNode file = Manifest.YAML.createObjectNode();
        file.set("groups", rule.body().path("spec").path("groups"));
        // rules_test.yml names its rule file "rules.yml": give it the rendered one under that name.
        Path rules = tmp.resolve("rules.yml");
        Manifest.YAML.writeValue(rules.toFile(), file);
        Path tests = Files.copy(MonitoringFiles.rulesTest(), tmp.resolve("rules_test.yml"));
        int alerts = RuleFile.expressions(rules).size();
        assertThat(alerts).isEqualTo(RuleFile.expressions(MonitoringFiles.rules()).size()).isPositive();

        Promtool.Run check = Promtool.run("check", "rules", rules.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + alerts + " rules found");
        Promtool.Run unit = Promtool.run("test", "rules", tests.toString());
        assertThat(unit.exitCode()).as(unit.output()).isZero();
        assertThat(unit.output()).contains("SUCCESS");
    }
}
