package io.lrsweep.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CatalogueDocumentationTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(lrsweep_\\w+)` \\| ([^|]+) \\| [^|]* \\| ([^|]*) \\|",
            Pattern.MULTILINE);

    @Test
    void theReadmeDocumentsEveryMetricOfTheCatalogueWithItsTypeAndLabelsAndNoOther() throws Exception {
        String readme = Files.readString(MonitoringFiles.readme());
        Map<String, String> documented = new TreeMap<>();
        Matcher m = ROW.matcher(readme);
        while (m.find()) {
            documented.put(m.group(1), m.group(2).trim() + " | " + m.group(3).trim());
        }
        Map<String, String> catalogue = new TreeMap<>();
        for (LrsweepMetric metric : LrsweepMetric.values()) {
            String type = switch (metric.type()) {
                case COUNTER -> "counter";
                case GAUGE -> "gauge";
                case TIMER -> "timer";
                case LONG_TASK_TIMER -> "long-task timer";
            };
            catalogue.put(metric.prometheusName(), type + " | " + String.join(", ", metric.labels()));
        }
        assertThat(documented.keySet()).containsExactlyElementsOf(catalogue.keySet());
        documented.forEach((name, row) -> {
            String[] want = catalogue.get(name).split(" \\| ");
            assertThat(row).as(name).startsWith(want[0]).endsWith(" | " + want[1]);
        });
    }

    @Test
    void everyCatalogueNameFollowsPrometheusConventions() {
        List<String> forbidden = List.of("epoch", "step", "iteration", "workflow", "workflow_id", "task_id", "task");
        for (LrsweepMetric metric : LrsweepMetric.values()) {
            String name = metric.prometheusName();
            assertThat(name).as(metric.name()).startsWith("lrsweep_").matches("[a-z_]+");
            assertThat(name.endsWith("_total")).as(name + " ends with _total exactly when it is a counter")
                    .isEqualTo(metric.type() == LrsweepMetric.Type.COUNTER);
            if (metric.type() == LrsweepMetric.Type.TIMER || metric.type() == LrsweepMetric.Type.LONG_TASK_TIMER) {
                assertThat(name).endsWith("_seconds");
            }
            assertThat(metric.labels()).as(name).doesNotContainAnyElementsOf(forbidden);
        }
        assertThat(Arrays.stream(LrsweepMetric.values()).map(LrsweepMetric::meterName).distinct())
                .hasSize(LrsweepMetric.values().length);
    }
}
