package io.lrsweep.cli;

import io.lrsweep.local.FolderTree;
import io.lrsweep.local.LocalConductor;
import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.FaultSwitch;
import io.lrsweep.tasks.WorkerHost;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throw-away local Conductor for measurements: the embedded default (SQLite) in a new temporary
 * directory on a free port, with the workers in this process on a filesystem store beside it, as
 * {@code lrsweep demo} runs them. Closing it stops the server and deletes the directory (unless kept).
 */
final class ScratchConductor implements AutoCloseable {
    final Path home;
    final LocalConductor server;
    final ConductorApi api;
    final FileSystemArtifactStore store;
    final WorkerHost workers;
    private final WorkerMetrics metrics;
    private final ComputeContext context;
    private boolean keep;

    private ScratchConductor(Path home, LocalConductor server, FileSystemArtifactStore store, WorkerMetrics metrics,
                             ComputeContext context, WorkerHost workers) {
        this.home = home;
        this.server = server;
        this.api = server.api();
        this.store = store;
        this.metrics = metrics;
        this.context = context;
        this.workers = workers;
    }

    /** Starts the server and {@code slots} compute slots of workers; worker logs go to {@code home/workers.log}. */
    static ScratchConductor start(String name, int slots, PrintStream out) throws Exception {
        Path home = Files.createTempDirectory("lrsweep-" + name);
        // Before any logger exists: the workers' lines would drown the figures.
        System.setProperty("org.slf4j.simpleLogger.logFile", home.resolve("workers.log").toString());
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LocalConductor server = new LocalConductor(home, port);
        server.up(out);
        server.api().registerDefinitions();
        FileSystemArtifactStore store = new FileSystemArtifactStore(home.resolve("store"));
        WorkerMetrics metrics = new WorkerMetrics(WorkerIdentity.of(null));
        ComputeContext context = ComputeContext.of("cpu", slots, home.resolve("datasets"));
        WorkerHost workers = new WorkerHost(server.api().apiUrl(), store, context, null, new FaultSwitch(), metrics);
        return new ScratchConductor(home, server, store, metrics, context, workers.start());
    }

    /** The server process, for sampling its memory and CPU. */
    ProcessHandle serverProcess() throws IOException {
        return server.process().orElseThrow(() -> new IOException("the local Conductor did not stay up"));
    }

    /** Keep the directory (server data, store, logs) when closing. */
    void keep() {
        keep = true;
    }

    @Override
    public void close() throws Exception {
        workers.close();
        context.close();
        metrics.close();
        server.down(System.out);
        if (keep) {
            System.out.println("kept: " + home);
            return;
        }
        FolderTree.delete(home);
    }
}
