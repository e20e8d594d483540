package io.lrsweep.cli;

import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.FaultSwitch;
import io.lrsweep.tasks.WorkerHost;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

    @Override
    public Integer call() throws Exception {
        ConductorApi api = new ConductorApi(conductor.url);
        api.registerDefinitions();
        CountDownLatch stop = new CountDownLatch(1);
        try (ComputeContext context = compute.open();
             WorkerMetrics metrics = new WorkerMetrics(WorkerIdentity.of(domain));
             AutoCloseable served = metricsEndpoint.serve(metrics, "0.0.0.0", System.out);
             WorkerHost host = new WorkerHost(api.apiUrl(), store.open(), context, domain, new FaultSwitch(), metrics)) {
            // Said at start, so that a GPU node that silently trains on its CPU is noticed at once.
            System.out.println("lrsweep worker: image stages use " + context.describeDevice());
            host.start();
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            System.out.println("lrsweep workers polling " + api.apiUrl() + " (Ctrl-C to stop)");
            stop.await();
        }
        return 0;
    }
}
