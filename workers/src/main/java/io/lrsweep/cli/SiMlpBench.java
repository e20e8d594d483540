package io.lrsweep.cli;

import com.sun.management.ThreadMXBean;
import io.lrsweep.science.Elr;
import io.lrsweep.science.ProjectedSgd;
import io.lrsweep.science.Sharpness;
import io.lrsweep.science.SiMlp;
import io.lrsweep.science.TickData;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.science.TrainingState;
import io.lrsweep.science.Vectors;
import io.lrsweep.science.Weights;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SI MLP's SGD step as the study runs it (batch 16 of 512 ticks, update and projection, one
 * thread), timed over many steps; optionally alternated with the PyTorch twin so that the ratio is
 * measured in one run under the same load.
 */
final class SiMlpBench {
    private static final Pattern TWIN_STEP = Pattern.compile("us_per_step=([0-9.]+)");
    private static final Pattern TWIN_CPU = Pattern.compile("cpu_us_per_step=([0-9.]+)");

    /** One measurement: wall and CPU microseconds per step, bytes allocated per step. */
    record Figures(double microsPerStep, double cpuMicrosPerStep, double bytesPerStep) {
    }

    private SiMlpBench() {
    }

    static int run(int steps, int rounds, Path twin, String python) throws IOException, InterruptedException {
        System.out.printf("model=si-mlp batch=16 steps=%d threads=1 engine=java-%s dtype=float64%n", steps,
                Runtime.version().feature());
        measure(steps / 5); // warm-up: the JIT compiles the step before the clock starts
        List<Double> java = new ArrayList<>();
        List<Double> javaCpu = new ArrayList<>();
        List<Double> torch = new ArrayList<>();
        List<Double> torchCpu = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Figures f = measure(steps);
            java.add(f.microsPerStep());
            javaCpu.add(f.cpuMicrosPerStep());
            System.out.printf("round %d lrsweep us_per_step=%.2f steps_per_second=%.0f cpu_us_per_step=%.2f"
                            + " allocated_bytes_per_step=%.1f load=%s%n", round, f.microsPerStep(),
                    1e6 / f.microsPerStep(), f.cpuMicrosPerStep(), f.bytesPerStep(), loadAverage());
            if (twin != null) {
                double[] t = twin(twin, python, Math.max(1000, steps / 10));
                torch.add(t[0]);
                torchCpu.add(t[1]);
                System.out.printf("round %d pytorch us_per_step=%.2f steps_per_second=%.0f cpu_us_per_step=%.2f"
                        + " load=%s%n", round, t[0], 1e6 / t[0], t[1], loadAverage());
            }
        }
        double median = median(java);
        System.out.printf("us_per_step=%.2f steps_per_second=%.0f cpu_us_per_step=%.2f peak_rss_mb=%.1f%n", median,
                1e6 / median, median(javaCpu), BenchCommand.peakRssMb());
        if (twin != null) {
            System.out.printf("pytorch_us_per_step=%.2f pytorch_cpu_us_per_step=%.2f speedup=%.1f cpu_speedup=%.1f%n",
                    median(torch), median(torchCpu), median(torch) / median, median(torchCpu) / median(javaCpu));
        }
        analysisPasses();
        return 0;
    }

    /**
     * The passes of the analyses, each timed as the median of rounds after a warm-up: a test-set
     * evaluation (2,000 samples, as the study's), a full-data gradient over the 512 training
     * samples (what every Hessian-vector product of the sharpness takes two of) and the ReLU
     * pattern over them (what decides each product's step); then the whole sharpness estimate
     * (the presets' caps of 100 probes and iterations) at a point trained 40,000 steps at ELR
     * 1e-3, as a pre-training of the presets converges.
     */
    static void analysisPasses() {
        var train = TickData.train(0, 512);
        var test = TickData.test(0, 2000);
        Weights w = SiMlp.initialise(0);
        SiMlp model = new SiMlp();
        double[] evaluate = new double[9];
        double[] gradient = new double[9];
        double[] pattern = new double[9];
        double sink = 0;
        for (int round = -3; round < evaluate.length; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                sink += model.evaluate(w, test).loss();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                sink += model.fullGradient(w.si(), w.head(), train)[i];
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                sink += model.reluPattern(w.si(), w.head(), train).cardinality();
            }
            long t3 = System.nanoTime();
            if (round >= 0) {
                evaluate[round] = (t1 - t0) / 1e3 / 200;
                gradient[round] = (t2 - t1) / 1e3 / 200;
                pattern[round] = (t3 - t2) / 1e3 / 200;
            }
        }
        Weights point = ProjectedSgd.train(TrainingState.start(w), train, 1,
                new ProjectedSgd.Schedule(40_000, new Elr(1e-3), 16, 40_000), TrainingListener.NONE).weights();
        double[] sharpness = new double[3];
        for (int round = -1; round < sharpness.length; round++) {
            long t0 = System.nanoTime();
            sink += Sharpness.estimate(model.hessianTimes(point, train), point.si().length, 0, 100, 100).trace();
            if (round >= 0) {
                sharpness[round] = (System.nanoTime() - t0) / 1e6;
            }
        }
        System.out.printf("evaluate_2000_us=%.1f full_gradient_512_us=%.1f relu_pattern_512_us=%.1f"
                        + " sharpness_ms=%.1f%s%n", Vectors.median(evaluate), Vectors.median(gradient),
                Vectors.median(pattern), Vectors.median(sharpness), Double.isFinite(sink) ? "" : " (not finite)");
    }

    /** {@code steps} steps of the study's training loop at an ELR of the chaotic regime. */
    static Figures measure(int steps) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        var schedule = new ProjectedSgd.Schedule(steps, new Elr(1e-2), 16, 100);
        var data = TickData.train(0, 512);
        TrainingState start = TrainingState.start(SiMlp.initialise(0));
        long bytes = threads.getCurrentThreadAllocatedBytes();
        long cpu = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        ProjectedSgd.train(start, data, 1, schedule, TrainingListener.NONE);
        long wall = System.nanoTime() - t0;
        cpu = threads.getCurrentThreadCpuTime() - cpu;
        bytes = threads.getCurrentThreadAllocatedBytes() - bytes;
        return new Figures(wall / 1e3 / steps, cpu / 1e3 / steps, (double) bytes / steps);
    }

    /** Runs the twin; returns its wall and CPU microseconds per step. */
    private static double[] twin(Path script, String python, int steps) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python, script.toString(), "--steps", Integer.toString(steps))
                .redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            r.lines().forEach(l -> out.append(l).append('\n'));
        }
        if (p.waitFor() != 0) {
            throw new IOException("the PyTorch twin failed (" + python + " " + script + "):\n" + out);
        }
        Matcher wall = TWIN_STEP.matcher(out);
        Matcher cpu = TWIN_CPU.matcher(out);
        if (!wall.find() || !cpu.find()) {
            throw new IOException("the PyTorch twin printed no us_per_step:\n" + out);
        }
        return new double[] {Double.parseDouble(wall.group(1)), Double.parseDouble(cpu.group(1))};
    }

    /** The 1-minute load average of the machine, which the figures must be read against. */
    static String loadAverage() throws IOException {
        Path p = Path.of("/proc/loadavg");
        return Files.exists(p) ? Files.readString(p).split(" ")[0] : "unknown";
    }

    private static double median(List<Double> values) {
        return Vectors.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
