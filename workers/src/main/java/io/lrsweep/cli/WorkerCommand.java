package io.lrsweep.cli;

import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.FaultSwitch;
import io.lrsweep.tasks.WorkerHost;
import com.netflix.conductor.common.metadata.tasks.Task;
import java.time.Duration;
import java.util.List;
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

    @Option(names = "--parallel", description = "compute-bound stages at once (env LRSWEEP_PARALLEL; default: cores)",
            defaultValue = "${env:LRSWEEP_PARALLEL:-0}")
    int parallel;

    @Option(names = "--domain", description = "task domain to poll, e.g. gpu (env LRSWEEP_DOMAIN)",
            defaultValue = "${env:LRSWEEP_DOMAIN:-}")
    String domain;

    @Mixin
    Options.Metrics metricsEndpoint = new Options.Metrics();

    @Option(names = "--device", description = "where image stages train: cpu, gpu or auto (env LRSWEEP_DEVICE;"
            + " default auto: the first GPU when libtorch sees one)", defaultValue = "${env:LRSWEEP_DEVICE:-auto}")
    String device;

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
        System.setProperty(io.lrsweep.stages.ImageTensors.DEVICE_PROPERTY, device);
        // Said at start, so that a GPU node that silently trains on its CPU is noticed at once.
        System.out.println("lrsweep worker: image stages use " + io.lrsweep.science.images.Torch.describe(
                io.lrsweep.stages.ImageTensors.device()));
        ConductorApi api = new ConductorApi(conductor.url);
        api.registerDefinitions();
        int slots = parallel > 0 ? parallel : Runtime.getRuntime().availableProcessors();
        Duration grace = Duration.ofSeconds(graceSeconds);
        // The handover needs a moment after the drain: results of the last stages, then closing.
        Duration drain = grace.compareTo(Duration.ofSeconds(4)) > 0 ? grace.minusSeconds(2) : grace.dividedBy(2);
        ShutdownSignals signals = new ShutdownSignals(grace, System.out).install();
        try (WorkerMetrics metrics = new WorkerMetrics(WorkerIdentity.of(domain));
             AutoCloseable served = metricsEndpoint.serve(metrics, "127.0.0.1", System.out);
             WorkerHost host = new WorkerHost(api.apiUrl(), store.open(), slots, domain, new FaultSwitch(), metrics)) {
            host.start();
            System.out.println("lrsweep workers polling " + api.apiUrl() + " (Ctrl-C or SIGTERM stops gracefully"
                    + " within " + graceSeconds + " s)");
            signals.awaitFirst();
            System.out.println("No new tasks; running training stages stop at their next step, write their resume"
                    + " checkpoint and hand their tasks back to Conductor.");
            List<Task> left = host.drain(drain);
            if (!left.isEmpty()) {
                host.handBack(left, "the stage did not stop within the grace period of " + graceSeconds + " s");
                System.out.println(left.size() + " task(s) handed back unfinished; another worker redoes them from"
                        + " their last checkpoint.");
                return 1;
            }
            System.out.println("Every task was finished or handed back; exiting.");
        }
        return 0;
    }
}
