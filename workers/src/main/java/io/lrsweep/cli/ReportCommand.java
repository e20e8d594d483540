package io.lrsweep.cli;

import io.lrsweep.report.ReportLinks;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.ReportStage;
import io.lrsweep.stages.StageOutcome;
import io.lrsweep.tasks.ConductorApi;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lrsweep report STUDY}: (re)writes a finished study's report from the store, without Conductor. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the report of a study whose branches have all been analysed, straight from the store.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    Options.Store store = new Options.Store();

    @Parameters(paramLabel = "STUDY", description = "study id")
    String studyId;

    /** Used only when an analysis must be recomputed because its results were lost or corrupted. */
    @Mixin
    Options.DeviceChoice device = new Options.DeviceChoice();

    @Option(names = "--force", description = "rewrite even if an up-to-date report exists")
    boolean force;

    @Option(names = "--workflow", paramLabel = "ID", description = "the study's workflow id, for the report's link to"
            + " it (in the Conductor UI of env LRSWEEP_CONDUCTOR_UI_URL, else the REST API of --conductor)")
    String workflowId;

    @Mixin
    Options.Conductor conductor = new Options.Conductor();

    @Override
    public Integer call() throws Exception {
        var s = store.open();
        StageOutcome o;
        try (ComputeContext context = device.open(1)) {
            // Grafana's URL comes from the environment as for the workers; nothing here asks the server.
            ReportLinks links = ReportLinks.configured(System.getenv(), new ConductorApi(conductor.url).apiUrl());
            o = new ReportStage(s, context, links).run(studyId, workflowId, force, System.out::println);
        }
        System.out.println(ReportLocation.describe(s, o));
        return 0;
    }
}
