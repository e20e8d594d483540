package io.lrsweep.cli;

import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
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

    @Override
    public Integer call() throws Exception {
        System.setProperty(io.lrsweep.stages.ImageTensors.DEVICE_PROPERTY, device);
        // Said at start, so that a GPU node that silently trains on its CPU is noticed at once.
        System.out.println("lrsweep worker: image stages use " + io.lrsweep.science.images.Torch.describe(
                io.lrsweep.stages.ImageTensors.device()));
        ConductorApi api = new ConductorApi(conductor.url);
        api.registerDefinitions();
        int slots = parallel > 0 ? parallel : Runtime.getRuntime().availableProcessors();
        CountDownLatch stop = new CountDownLatch(1);
        try (WorkerMetrics metrics = new WorkerMetrics(WorkerIdentity.of(domain));
             AutoCloseable served = metricsEndpoint.serve(metrics, "0.0.0.0", System.out);
             WorkerHost host = new WorkerHost(api.apiUrl(), store.open(), slots, domain, new FaultSwitch(), metrics)) {
            host.start();
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            System.out.println("lrsweep workers polling " + api.apiUrl() + " (Ctrl-C to stop)");
            stop.await();
        }
        return 0;
    }
}
