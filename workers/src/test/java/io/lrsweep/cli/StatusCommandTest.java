package io.lrsweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lrsweep.study.PlannedStages;
import io.lrsweep.study.StageTimes;
import io.lrsweep.tasks.StudyProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
    private static String print(String status) {
        var planned = new PlannedStages(List.of(new PlannedStages.Planned("finetune", 600, true),
                new PlannedStages.Planned("converge", 30, false)));
        var counts = Map.of("finetune", new StudyProgress.StageCount(140, 8, 2, 5, 1));
        var p = new StudyProgress("wf-1", status, "", 120, counts, List.of("finetune 0.01 boom"),
                JsonNodeFactory.instance.objectNode(), planned, new StageTimes(Map.of("finetune", 12.0), 300, 150));
        var bytes = new ByteArrayOutputStream();
        StatusCommand.print(p, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRunningStudyShowsTheShareTheEtaAndPerStageCountsThatAddUpToTheTotal() {
        List<String> lines = print("RUNNING").lines().toList();
        assertThat(lines.get(0)).isEqualTo("study wf-1: RUNNING");
        // 148 of 630 done; finetune: 600 − 148 − 2 − 1 = 449 waiting (scheduled ones wait too).
        assertThat(lines.get(1)).startsWith("23.5% done (148 of 630 stage executions), ETA >").contains("at 2.0 stages");
        assertThat(lines.get(3).split("\\s+")).containsExactly("finetune", "600", "148", "8", "2", "449", "1", "12s");
        assertThat(lines.get(4).split("\\s+")).containsExactly("converge", "≤30", "0", "0", "0", "30", "0");
        assertThat(lines).contains("failed: finetune 0.01 boom");
    }

    @Test
    void aFinishedStudyHasNoEta() {
        assertThat(print("FAILED").lines().toList().get(1)).isEqualTo("23.5% done (148 of 630 stage executions)");
    }
}
