package io.lrsweep.cli;

import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.StudyProgress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lrsweep status ID}: stages done, running, failed and cached. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a study's status: per stage done (cached), running, failed.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    Options.Conductor conductor = new Options.Conductor();

    @Parameters(paramLabel = "ID", description = "the study's workflow id")
    String id;

    @Override
    public Integer call() throws Exception {
        StudyProgress p = StudyProgress.of(new ConductorApi(conductor.url), id);
        System.out.println("study " + id + ": " + p.status() + (p.reason().isEmpty() ? "" : " (" + p.reason() + ")"));
        System.out.printf("%-10s %9s %7s %8s %7s%n", "stage", "completed", "cached", "running", "failed");
        p.stages().forEach((stage, c) -> System.out.printf("%-10s %9d %7d %8d %7d%n", stage, c.completed(),
                c.cached(), c.running(), c.failed()));
        p.failures().forEach(f -> System.out.println("failed: " + f));
        if (p.output().hasNonNull("report")) {
            System.out.println("report: " + p.output().get("report").asText());
        }
        return 0;
    }
}
