package io.lrsweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandLineTest {

    private static List<CommandLine> allCommands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        all.add(root);
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!all.contains(sub)) {
                all.addAll(allCommands(sub));
            }
        }
        return all;
    }

    @Test
    void everyCommandAnswersHelpWithADescription() {
        List<String> names = new ArrayList<>();
        for (CommandLine c : allCommands(Main.commandLine())) {
            if (c.getCommandName().equals("help")) {
                continue;
            }
            StringWriter out = new StringWriter();
            c.setOut(new PrintWriter(out));
            assertThat(c.execute("--help")).as(c.getCommandName()).isZero();
            assertThat(out.toString()).as(c.getCommandName()).contains("Usage:");
            assertThat(c.getCommandSpec().usageMessage().description()).as(c.getCommandName()).isNotEmpty();
            names.add(c.getCommandName());
        }
        assertThat(names).contains("local", "up", "down", "status", "worker", "submit", "resume", "report", "gc", "demo",
                "bench", "store");
    }

    @Test
    void aWrongOverrideIsReportedInOneLineWithExitCodeTwo() {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("submit", "--preset", "synthetic-quick", "--set", "plrs=[0.01,-1]",
                "--conductor", "http://127.0.0.1:1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("plrs[1]: -1.0 is not a positive").doesNotContain("\tat ");
    }

    @Test
    void overridesAreParsedAsJsonWhereTheyAreJson() {
        Map<String, Object> o = Options.overrides(List.of("plrs=[1e-3, 0.01]", "seeds=2", "setup=synthetic"));
        assertThat(o.get("plrs")).isEqualTo(List.of(1e-3, 0.01));
        assertThat(o.get("seeds")).isEqualTo(2);
        assertThat(o.get("setup")).isEqualTo("synthetic");
    }

    @Test
    void workersServeMetricsOnPort9464UnlessToldOtherwiseAndRefuseImpossiblePorts() throws Exception {
        WorkerCommand worker = new WorkerCommand();
        new CommandLine(worker).parseArgs();
        assertThat(worker.metricsEndpoint.port).isEqualTo(io.lrsweep.monitoring.MetricsEndpoint.DEFAULT_PORT)
                .isEqualTo(9464);
        new CommandLine(worker).parseArgs("--metrics-port", "70000");
        try (var metrics = new io.lrsweep.monitoring.WorkerMetrics(
                new io.lrsweep.monitoring.WorkerIdentity("w", "none", "none"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> worker.metricsEndpoint.serve(metrics, "127.0.0.1",
                    System.out)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1 for none");
            new CommandLine(worker).parseArgs("--metrics-port", "-1");
            worker.metricsEndpoint.serve(metrics, "127.0.0.1", System.out).close();
        }
    }
}
