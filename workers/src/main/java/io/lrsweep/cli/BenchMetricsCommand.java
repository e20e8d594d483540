package io.lrsweep.cli;

import io.lrsweep.data.SyntheticData;
import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.science.Elr;
import io.lrsweep.science.ProjectedSgd;
import io.lrsweep.science.Samples;
import io.lrsweep.science.SiMlp;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.science.TrainingState;
import io.lrsweep.science.Vectors;
import io.lrsweep.stages.TrainingRun;
import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyResolver;
import io.lrsweep.tasks.TaskProgress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrsweep bench metrics}: what the worker's metric updates cost a training step. The same
 * pre-training run (same data, seed and length) is timed without a listener and with the listener
 * a worker uses, alternately, and the medians are compared.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Measure the cost of metric updates on the training step time: the same pre-training run of the"
                + " synthetic study with and without the worker's metrics, alternated; prints the medians.")
final class BenchMetricsCommand implements Callable<Integer> {
    @Option(names = "--iterations", description = "SGD steps per run (default ${DEFAULT-VALUE}, the paper's pre-training)",
            defaultValue = "40000")
    long iterations;

    @Option(names = "--rounds", description = "runs of each kind, alternated (default ${DEFAULT-VALUE})",
            defaultValue = "7")
    int rounds;

    @Option(names = "--plr", description = "learning rate of the run (default ${DEFAULT-VALUE})", defaultValue = "0.01")
    double plr;

    @Override
    public Integer call() throws Exception {
        if (iterations < 1 || rounds < 1) {
            throw new IllegalArgumentException("--iterations and --rounds must be positive");
        }
        StudyConfig c = StudyResolver.resolve(Map.of("preset", "synthetic-quick"), "bench");
        Samples train = SyntheticData.generate(new SyntheticData.Key(c.dataSeedOf(0), c.trainSize(), c.testSize(),
                c.singleFeatureSize())).train();
        var schedule = new ProjectedSgd.Schedule(iterations, new Elr(plr), c.batchSize(), c.checkpointEvery());
        TrainingState start = TrainingState.start(SiMlp.initialise(0));
        try (WorkerMetrics metrics = new WorkerMetrics(WorkerIdentity.of(null));
             TaskProgress progress = new TaskProgress(line -> {
             }, metrics)) {
            TrainingListener metered = progress.training(new TrainingRun("bench", "pretrain", plr, null, 0));
            double[] without = new double[rounds];
            double[] with = new double[rounds];
            nanosPerStep(start, train, schedule, TrainingListener.NONE); // warm-up: both paths compiled
            nanosPerStep(start, train, schedule, metered);
            for (int r = 0; r < rounds; r++) {
                // Alternate which goes first, so slow drift of the machine does not favour one.
                if (r % 2 == 0) {
                    without[r] = nanosPerStep(start, train, schedule, TrainingListener.NONE);
                    with[r] = nanosPerStep(start, train, schedule, metered);
                } else {
                    with[r] = nanosPerStep(start, train, schedule, metered);
                    without[r] = nanosPerStep(start, train, schedule, TrainingListener.NONE);
                }
            }
            double a = Vectors.median(without);
            double b = Vectors.median(with);
            System.out.printf("Training step time: %d SGD steps of the SI MLP (batch %d), %d runs each, alternated%n",
                    iterations, c.batchSize(), rounds);
            System.out.printf("  without metrics: median %.2f µs/step (min %.2f)%n", a / 1e3,
                    Arrays.stream(without).min().orElse(0) / 1e3);
            System.out.printf("  with metrics:    median %.2f µs/step (min %.2f)%n", b / 1e3,
                    Arrays.stream(with).min().orElse(0) / 1e3);
            System.out.printf("  difference of the medians: %+.0f ns/step (%+.1f%%)%n", b - a, 100 * (b - a) / a);
            long calls = 2_000_000;
            long t = System.nanoTime();
            for (long i = 0; i < calls; i++) {
                metered.onStep(i, c.batchSize(), 30_000 + (i & 1023));
            }
            double direct = (double) (System.nanoTime() - t) / calls;
            System.out.printf("  one step's metric update alone: %.0f ns (%.2f%% of a step without metrics)%n", direct,
                    100 * direct / a);
            System.out.printf("Worker scrape after the runs: %d series, %d bytes%n",
                    metrics.scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count(),
                    metrics.scrape().getBytes(StandardCharsets.UTF_8).length);
        }
        return 0;
    }

    private static double nanosPerStep(TrainingState start, Samples train, ProjectedSgd.Schedule schedule,
                                       TrainingListener listener) {
        long t = System.nanoTime();
        ProjectedSgd.train(start, train, 42, schedule, listener);
        return (double) (System.nanoTime() - t) / schedule.iterations();
    }

}
