package io.lrsweep.cli;

import io.lrsweep.tasks.ConductorApi;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lrsweep resume ID}: retries a failed study without redoing finished stages. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume a failed study: retry its failed tasks, resuming failed branches in place."
                + " Finished stages are kept (and would be found cached if they ran again).")
final class ResumeCommand implements Callable<Integer> {
    @Mixin
    Options.Conductor conductor = new Options.Conductor();

    @Option(names = "--wait", description = "show the study's progress until it ends; exit 1 unless it completed")
    boolean wait;

    @Parameters(paramLabel = "ID", description = "the study's workflow id")
    String id;

    @Override
    public Integer call() throws Exception {
        ConductorApi api = new ConductorApi(conductor.url);
        String status = api.workflow(id).getStatus().name();
        if (status.equals("RUNNING") || status.equals("COMPLETED")) {
            System.err.println("study " + id + " is " + status + "; only a failed, timed-out or terminated study can be resumed");
            return 2;
        }
        System.out.println("resumed " + id + ": " + api.retry(id));
        if (!wait) {
            return 0;
        }
        StudyWait.awaitLeaving(api, id, status);
        return StudyWait.follow(api, id);
    }
}
