package io.lrsweep.cli;

import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.FaultSwitch;
import io.lrsweep.tasks.WorkerHost;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lrsweep worker}: runs every lrsweep worker until stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run all lrsweep workers against a Conductor server until interrupted.")
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    Options.Conductor conductor = new Options.Conductor();
    @Mixin
    Options.Store store = new Options.Store();

    @Mixin
    Options.Compute compute = new Options.Compute();

    @Option(names = "--domain", description = "task domain to poll, e.g. gpu (env LRSWEEP_DOMAIN)",
            defaultValue = "${env:LRSWEEP_DOMAIN:-}")
    String domain;

    @Mixin
    Options.Metrics metricsEndpoint = new Options.Metrics();

    @Option(names = "--grace", paramLabel = "SECONDS", description = "on SIGTERM or Ctrl-C, how long running stages"
            + " get to write their resume checkpoint and hand their tasks back before the worker exits (env"
            + " LRSWEEP_SHUTDOWN_GRACE; default ${DEFAULT-VALUE}; keep it below the pod's"
            + " terminationGracePeriodSeconds)", defaultValue = "${env:LRSWEEP_SHUTDOWN_GRACE:-25}")
    int graceSeconds;

    @Override
    public Integer call() throws Exception {
        if (graceSeconds < 1) {
            throw new IllegalArgumentException("--grace " + graceSeconds + ": expected at least 1 second");
        }
        ConductorApi api = new ConductorApi(conductor.url);
        api.registerDefinitions();
        Duration grace = Duration.ofSeconds(graceSeconds);
        // The handover needs a moment after the drain: results of the last stages, then closing.
        Duration drain = grace.compareTo(Duration.ofSeconds(4)) > 0 ? grace.minusSeconds(2) : grace.dividedBy(2);
        ShutdownSignals signals = new ShutdownSignals(grace, System.out).install();
        try (ComputeContext context = compute.open();
             WorkerMetrics metrics = new WorkerMetrics(WorkerIdentity.of(domain));
             AutoCloseable served = metricsEndpoint.serve(metrics, "127.0.0.1", System.out);
             WorkerHost host = new WorkerHost(api.apiUrl(), store.open(), context, domain, new FaultSwitch(), metrics)) {
            // Said at start, so that a GPU node that silently trains on its CPU is noticed at once.
            System.out.println("lrsweep worker: image stages use " + context.describeDevice());
            host.start();
            System.out.println("lrsweep workers polling " + api.apiUrl() + " (Ctrl-C or SIGTERM stops gracefully"
                    + " within " + graceSeconds + " s)");
            signals.awaitFirst();
            System.out.println("No new tasks; running training stages stop at their next step, write their resume"
                    + " checkpoint and hand their tasks back to Conductor.");
            int late = host.stop(drain, "the stage did not stop within the grace period of " + graceSeconds + " s");
            if (late > 0) {
                System.out.println(late + " task(s) handed back unfinished; another worker redoes them from"
                        + " their last checkpoint.");
                return 1;
            }
            System.out.println("Every task was finished or handed back; exiting.");
        }
        return 0;
    }
}
