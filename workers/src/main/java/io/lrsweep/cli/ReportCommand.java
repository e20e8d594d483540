package io.lrsweep.cli;

import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.ReportStage;
import io.lrsweep.stages.StageOutcome;
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

    @Override
    public Integer call() throws Exception {
        var s = store.open();
        StageOutcome o;
        try (ComputeContext context = device.open(1)) {
            o = new ReportStage(s, context).run(studyId, force, System.out::println);
        }
        System.out.println(ReportLocation.describe(s, o));
        return 0;
    }
}
