package io.lrsweep.cli;

import com.sun.management.OperatingSystemMXBean;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.tasks.StageCounters;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code lrsweep bench study}: runs a study as {@code demo} does and prints where the CPU went —
 * the stages (compute), the workers' polling and reporting, the Conductor server — with wall
 * time, peak RSS of both processes and training steps per second.
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Run a study like demo (same options) and print wall time, CPU seconds of the stages, of the"
                + " rest of the worker process and of the Conductor server, the orchestration share, peak RSS of"
                + " each process and training steps/s.")
final class BenchStudyCommand implements Callable<Integer>, StudyMeter {
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Mixin
    DemoCommand demo = new DemoCommand();

    private long startNanos;
    private long startWorkerCpu;
    private long startSteps;
    private Optional<ProcessHandle> server = Optional.empty();
    private Duration startServerCpu = Duration.ZERO;
    private String startLoad = "";
    private String figures;

    @Override
    public Integer call() throws Exception {
        if (demo.store.uri == null || demo.store.uri.isBlank()) {
            // A store with earlier studies of the same settings would lend them their stages (reuse
            // across studies), and the bench would measure copies: a fresh store of its own.
            demo.store.uri = Options.home().resolve("bench").resolve("store-" + System.currentTimeMillis())
                    .toAbsolutePath().toString();
        }
        int code = demo.run(this);
        if (figures != null) {
            System.out.print(figures);
        }
        return code;
    }

    @Override
    public void started(Optional<ProcessHandle> server, ComputeContext compute) throws IOException {
        this.server = server;
        startServerCpu = server.flatMap(p -> p.info().totalCpuDuration()).orElse(Duration.ZERO);
        startWorkerCpu = OS.getProcessCpuTime();
        startSteps = compute.stepsTaken();
        startLoad = SiMlpBench.loadAverage();
        startNanos = System.nanoTime();
    }

    @Override
    public void ended(StageCounters stages, ComputeContext compute) throws IOException {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double worker = (OS.getProcessCpuTime() - startWorkerCpu) / 1e9;
        double stage = stages.stageCpuNanos() / 1e9;
        Optional<Duration> serverCpu = server.flatMap(p -> p.info().totalCpuDuration());
        double serverSeconds = serverCpu.map(d -> d.minus(startServerCpu).toNanos() / 1e9).orElse(Double.NaN);
        long steps = compute.stepsTaken() - startSteps;
        double orchestration = serverSeconds + worker - stage;
        double all = serverSeconds + worker;
        String serverRss = server.map(p -> peakRssMb(Path.of("/proc", Long.toString(p.pid()), "status")))
                .map(mb -> String.format("%.0f", mb)).orElse("unknown");
        figures = String.format("""
                bench study: preset=%s cores=%d load_at_start=%s load_at_end=%s
                wall_s=%.1f steps=%d steps_per_s=%.0f
                cpu_s: stages=%.1f worker_outside_stages=%.1f server=%.1f all=%.1f
                server_share=%.3f orchestration_share=%.3f (server and worker CPU outside stages, of all CPU)
                peak_rss_mb: worker=%.0f server=%s
                """, demo.preset, Runtime.getRuntime().availableProcessors(), startLoad, SiMlpBench.loadAverage(),
                wall, steps, steps / wall, stage, worker - stage, serverSeconds, all, serverSeconds / all,
                orchestration / all, peakRssMb(Path.of("/proc/self/status")), serverRss);
    }

    /** VmHWM of a process from its /proc status file, in MiB (NaN when unknown). */
    private static double peakRssMb(Path status) {
        try {
            return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.substring(6).trim()).filter(kb -> kb.endsWith(" kB"))
                    .mapToDouble(kb -> Long.parseLong(kb.substring(0, kb.length() - 3).trim()) / 1024.0)
                    .findFirst().orElse(Double.NaN);
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
