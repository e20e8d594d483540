package io.lrsweep.cli;

import io.lrsweep.local.LocalConductor;
import io.lrsweep.local.LocalPrometheus;
import io.lrsweep.tasks.ConductorApi;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;

/**
 * The local Conductor server (and optionally a local Prometheus) for the length of one command:
 * started when not running, and stopped afterwards when this command started them, unless asked
 * to keep them.
 */
final class LocalServers implements AutoCloseable {
    private final LocalConductor conductor;
    private final boolean conductorHere;
    private final LocalPrometheus prometheus;
    private final boolean prometheusHere;
    private final boolean keep;
    private final PrintStream out;

    private LocalServers(LocalConductor conductor, boolean conductorHere, LocalPrometheus prometheus,
                         boolean prometheusHere, boolean keep, PrintStream out) {
        this.conductor = conductor;
        this.conductorHere = conductorHere;
        this.prometheus = prometheus;
        this.prometheusHere = prometheusHere;
        this.keep = keep;
        this.out = out;
    }

    /** Starts what is not running yet: Conductor on {@code port}, and Prometheus when {@code options} ask for it. */
    static LocalServers start(int port, Options.Prometheus options, boolean keep, PrintStream out)
            throws IOException, InterruptedException {
        LocalConductor conductor = LocalCommand.conductor(port, options.enabled);
        boolean conductorHere = conductor.up(out);
        LocalPrometheus prometheus = options.port.local(port);
        boolean prometheusHere = options.enabled && prometheus.up(out);
        return new LocalServers(conductor, conductorHere, prometheus, prometheusHere, keep, out);
    }

    ConductorApi api() {
        return conductor.api();
    }

    /** The Conductor server's process, when it runs on this machine. */
    Optional<ProcessHandle> conductorProcess() throws IOException {
        return conductor.process();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (prometheusHere) {
            if (keep) {
                out.println("Prometheus keeps running at " + prometheus.url() + " (stop it with ./lrsweep local down)");
            } else {
                prometheus.down(out);
            }
        }
        if (conductorHere && !keep) {
            conductor.down(out);
        }
    }
}
