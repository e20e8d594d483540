package io.lrsweep.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerTuningTest {
    private static final Path CHART_FILE = Path.of(System.getProperty("lrsweep.helm.dir", "../helm"))
            .resolve("lrsweep/files/conductor/tuning.properties");

    @Test
    void theLocalServerGetsEveryLineOfTheChartsTuningFileInItsOrder() throws IOException {
        List<String> expected = Files.readAllLines(CHART_FILE).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> "--" + l).toList();
        assertThat(expected).as("the chart's file has settings").isNotEmpty();
        assertThat(ServerTuning.arguments()).isEqualTo(expected)
                .contains("--conductor.app.systemTaskPostponeThreshold=4");
    }

    @Test
    void aLineThatIsNotKeyEqualsValueIsRefusedWithItsNumber() throws IOException {
        assertThatThrownBy(() -> ServerTuning.arguments("# fine\na=1\n\nconductor.app.sweeperThreadCount\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("line 4")
                .hasMessageContaining("conductor.app.sweeperThreadCount");
        assertThatThrownBy(() -> ServerTuning.arguments("a b=1\n")).hasMessageContaining("line 1");
        assertThat(ServerTuning.arguments("#x\n a=1 \nb=2")).containsExactly("--a=1", "--b=2");
    }
}
