package io.lrsweep.faults;

import io.lrsweep.local.LocalConductor;
import io.lrsweep.science.CheckpointFormat;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.tasks.ConductorApi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the fault scenarios share: a real Conductor server on a free port of 127.0.0.1 with its
 * data in a temporary directory, worker processes started against it, and the figures the
 * scenarios measured, printed at the end with the load average they were measured under.
 */
final class FaultLab implements AutoCloseable {
    final Path home;
    final LocalConductor conductor;
    final ConductorApi api;
    private final List<WorkerProcess> workers = new ArrayList<>();
    private final List<String> figures = new ArrayList<>();

    FaultLab(String name) throws Exception {
        home = Files.createTempDirectory("lrsweep-" + name);
        conductor = new LocalConductor(home, freePort());
        if (!conductor.up(System.out)) {
            throw new IllegalStateException("a server already answered on the free port " + conductor.url());
        }
        api = conductor.api();
        api.registerDefinitions();
        // Computed now, while no worker competes for the cores.
        CleanReference.results();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A worker process polling {@code domain}; stopped (if still alive) when the lab closes. */
    WorkerProcess worker(String name, String store, String domain, int parallel, Map<String, String> env,
                         String... extraArgs) throws Exception {
        WorkerProcess w = WorkerProcess.start(home, name, conductor.url(), store, domain, parallel, env, extraArgs);
        workers.add(w);
        return w;
    }

    /** Runs {@code lrsweep ARGS} to its end (at most two minutes); returns its exit code. */
    int cli(String name, Map<String, String> env, String... args) throws Exception {
        Process p = WorkerProcess.run(home, name, List.of(args), env);
        if (!p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("lrsweep " + String.join(" ", args) + " did not end within 2 minutes");
        }
        return p.exitValue();
    }

    /** Kills the server process with SIGKILL and waits until it is gone (its data stay). */
    void killServer() throws Exception {
        long pid = Long.parseLong(Files.readString(home.resolve("conductor/server.pid")).trim());
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no server process " + pid));
        server.destroyForcibly();
        server.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** A running pre-training and the iteration of the resume checkpoint it has written. */
    record Running(double plr, long resumeIteration) {
    }

    /** Waits until a pre-training of the study has written a resume checkpoint (it runs, half-way at most). */
    static Running awaitPretrainCheckpoint(ArtifactStore store, String studyId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (double plr : FaultStudy.PLRS) {
                String key = StudyLayout.pretrain(studyId, plr, 0) + "/resume.ckpt";
                if (store.exists(key)) {
                    try {
                        return new Running(plr, CheckpointFormat.decode(store.get(key)).state().iteration());
                    } catch (IOException | RuntimeException goneMeanwhile) {
                        // The stage finished and removed it between the two reads: look again.
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no pre-training of " + studyId + " wrote a resume checkpoint within " + timeout);
    }

    /** Records a measured figure (printed when the lab closes). */
    void figure(String format, Object... args) {
        String line = String.format(java.util.Locale.ROOT, format, args) + String.format(java.util.Locale.ROOT,
                " [load average %s]", loadAverage());
        figures.add(line);
        System.out.println("[fault figure] " + line);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() throws Exception {
        for (WorkerProcess w : workers) {
            w.close();
        }
        conductor.down(System.out);
        System.out.println("[fault figures]\n  " + String.join("\n  ", figures));
    }
}
