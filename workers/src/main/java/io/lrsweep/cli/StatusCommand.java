package io.lrsweep.cli;

import io.lrsweep.study.ProgressEstimate;
import io.lrsweep.study.ProgressLine;
import io.lrsweep.study.StageTally;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.StudyProgress;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lrsweep status ID}: the share done, the ETA, and per stage done, running, waiting, failed of the total. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a study's status: share of stage executions done, ETA from the measured stage times,"
                + " and per stage the planned total with done (cached among them), running, waiting and failed.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    Options.Conductor conductor = new Options.Conductor();

    @Parameters(paramLabel = "ID", description = "the study's workflow id")
    String id;

    @Override
    public Integer call() throws Exception {
        print(StudyProgress.of(new ConductorApi(conductor.url), id), System.out);
        return 0;
    }

    /** The status report of {@code p}: headline, one row per stage ("≤" marks a total that is a bound), failures. */
    static void print(StudyProgress p, PrintStream out) {
        List<StageTally> tallies = p.tallies();
        ProgressEstimate e = p.estimate();
        int total = tallies.stream().mapToInt(StageTally::total).sum();
        int done = tallies.stream().mapToInt(StageTally::done).sum();
        out.println("study " + p.workflowId() + ": " + p.status() + (p.reason().isEmpty() ? "" : " (" + p.reason() + ")"));
        out.printf("%.1f%% done (%d of %d stage executions)%s%n", e.fractionDone() * 100, done, total,
                p.finished() ? "" : String.format(", ETA %s at %.1f stages at once", ProgressLine.eta(e),
                        p.times().parallelism()));
        out.printf("%-10s %6s %6s %7s %8s %8s %7s %10s%n", "stage", "total", "done", "cached", "running", "waiting",
                "failed", "mean time");
        for (StageTally t : tallies) {
            Double mean = p.times().meanSeconds().get(t.stage());
            out.printf("%-10s %6s %6d %7d %8d %8d %7d %10s%n", t.stage(), (t.exact() ? "" : "≤") + t.total(), t.done(),
                    t.cached(), t.running(), t.waiting(), t.failed(), mean == null ? "" : ProgressLine.duration(mean));
        }
        p.failures().forEach(f -> out.println("failed: " + f));
        if (p.output().hasNonNull("report")) {
            out.println("report: " + p.output().get("report").asText());
        }
    }
}
