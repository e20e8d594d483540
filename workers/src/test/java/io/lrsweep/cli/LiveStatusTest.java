package io.lrsweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrsweep.study.PlannedStages;
import io.lrsweep.study.StageTimes;
import io.lrsweep.tasks.StudyProgress;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveStatusTest {
    private static StudyProgress progress(String status, int pretrainsDone) {
        var planned = new PlannedStages(List.of(new PlannedStages.Planned("pretrain", 4, true)));
        var counts = Map.of("pretrain", new StudyProgress.StageCount(pretrainsDone, 0, 0, 0, 0));
        return new StudyProgress("wf", status, "", -1, counts, List.of(), JsonNodeFactory.instance.objectNode(),
                planned, StageTimes.none());
    }

    @Test
    void aTerminalGetsOneLineRewrittenInPlaceCutToItsWidthAndEndedWhenTheStudyEnds() {
        var bytes = new ByteArrayOutputStream();
        var live = new LiveStatus(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 20);
        live.show(progress("RUNNING", 1));
        live.show(progress("COMPLETED", 4));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\r\033[KRUNNING 25.0% ETA …\r\033[K").endsWith("\n");
        assertThat(out.split("\r\033\\[K")).allSatisfy(l -> assertThat(l.strip().length()).isLessThan(20));
        assertThat(out.split("\n")).as("one line, ended once").hasSize(1);
    }

    @Test
    void elsewhereAPlainLineAtFirstThenAt30SecondsAtMostAndOneAtTheEnd() {
        var bytes = new ByteArrayOutputStream();
        var live = new LiveStatus(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 80);
        live.show(progress("RUNNING", 1));
        live.show(progress("RUNNING", 2));
        live.show(progress("COMPLETED", 4));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("done+running+waiting");
        assertThat(lines.get(1)).endsWith("RUNNING 25.0% ETA ? | pretrain 1+0+3=4");
        assertThat(lines.get(2)).endsWith("COMPLETED 100.0% ETA ~0s | pretrain 4");
        assertThat(String.join("", lines)).doesNotContain("\r");
    }
}
