package io.lrsweep.cli;

import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.LrsweepWorkflow;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lrsweep register}: registers lrsweep's task and workflow definitions, waiting a bounded
 * time for Conductor to become ready first. The Helm chart's post-install hook runs it.
 */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Register (or update) lrsweep's task definitions and the workflows lrsweep_study and"
                + " lrsweep_branch on a Conductor server. Safe to repeat. Waits for the server to become healthy,"
                + " retrying with growing pauses (1 s doubling to 10 s) until --wait runs out.")
final class RegisterCommand implements Callable<Integer> {
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    Options.Conductor conductor = new Options.Conductor();

    @Option(names = "--wait", paramLabel = "SECONDS",
            description = "how long to wait for Conductor to be ready (env LRSWEEP_REGISTER_WAIT; default"
                    + " ${DEFAULT-VALUE}; 0 = one attempt)", defaultValue = "${env:LRSWEEP_REGISTER_WAIT:-300}")
    int waitSeconds;

    @Override
    public Integer call() throws Exception {
        if (waitSeconds < 0) {
            throw new IllegalArgumentException("--wait " + waitSeconds + ": expected a number of seconds >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConductorApi api = new ConductorApi(conductor.url);
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(waitSeconds).toNanos();
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            String problem;
            try {
                if (api.healthy()) {
                    api.registerDefinitions();
                    out.printf("Registered lrsweep's task definitions and the workflows %s and %s at %s"
                            + " (attempt %d, after %d s).%n", LrsweepWorkflow.STUDY.workflowName(),
                            LrsweepWorkflow.BRANCH.workflowName(), api.serverUrl(), attempt,
                            Duration.ofNanos(System.nanoTime() - start).toSeconds());
                    out.flush();
                    return 0;
                }
                problem = "GET " + api.serverUrl() + "/health gave no healthy answer";
            } catch (IOException e) {
                // A server that is still starting answers health before its metadata API is ready.
                problem = e.getMessage();
            }
            if (System.nanoTime() + pause.toNanos() > deadline) {
                err.printf("lrsweep register: Conductor at %s was not ready within %d s (%s; last: %s)."
                        + " Check that the server runs and that the URL is right (in a cluster: kubectl logs of the"
                        + " Conductor pod), then run `lrsweep register --conductor URL` again.%n",
                        api.serverUrl(), waitSeconds, attempt == 1 ? "1 attempt" : attempt + " attempts", problem);
                err.flush();
                return 1;
            }
            out.printf("Conductor at %s not ready yet (%s); next try in %d s%n", api.serverUrl(), problem,
                    pause.toSeconds());
            out.flush();
            Thread.sleep(pause.toMillis());
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }
}
