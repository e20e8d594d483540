package io.lrsweep.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;
import io.lrsweep.science.SeededRandom;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.science.Vectors;
import io.lrsweep.science.images.EpochSchedule;
import io.lrsweep.science.images.ImageSet;
import io.lrsweep.science.images.ImageTraining;
import io.lrsweep.science.images.ImageTrainingState;
import io.lrsweep.science.images.Network;
import io.lrsweep.science.images.NetworkSpec;
import io.lrsweep.science.images.TensorData;
import io.lrsweep.science.images.Torch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lrsweep bench train}: median time of one training step of an image model on random
 * 3×32×32 batches, with images/s and peak memory; the same figures as bench/pytorch_twin.py. For
 * {@code si-mlp}: microseconds per SGD step beside bench/si_mlp_twin.py (see {@link SiMlpBench}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Time training steps of a model on random data (si-mlp: the synthetic study's step, beside its"
                + " PyTorch twin with --twin); prints median ms per step, images/s"
                + " and peak RSS (and GPU memory on a GPU).")
final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "si-convnet", description = "si-mlp, si-convnet, si-resnet18 or resnet18")
    String model;

    @Option(names = "--width", defaultValue = "32", description = "width c (default ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", description = "timed steps (default 20; si-mlp: 100000 per round)")
    Integer steps;

    @Option(names = "--rounds", defaultValue = "3", description = "si-mlp: timed rounds, alternating with the twin"
            + " (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--twin", description = "si-mlp: the PyTorch twin to alternate with, e.g. bench/si_mlp_twin.py")
    Path twin;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "the Python that runs the twin"
            + " (default ${DEFAULT-VALUE}, Debian's, which has python3-torch)")
    String python;

    @Mixin
    Options.DeviceChoice device = new Options.DeviceChoice();

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (model.equals("si-mlp")) {
            return SiMlpBench.run(steps == null ? 100_000 : steps, rounds, twin, python);
        }
        int steps = this.steps == null ? 20 : this.steps;
        NetworkSpec.Architecture arch = NetworkSpec.Architecture.of(model);
        Device d = Torch.device(device.device);
        System.out.println(Torch.describe(d));
        int classes = 10;
        // The real training loop over a random data set of `steps` batches: one untimed warm-up epoch,
        // then one timed epoch. Per-step times are exact on the CPU; on a GPU the steps run
        // asynchronously, so there the figure is the timed epoch's wall time (synchronised at its end).
        int count = steps * batch;
        SeededRandom r = new SeededRandom(1);
        float[] pixels = new float[count * 3 * 1024];
        int[] labels = new int[count];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < count; i++) {
            labels[i] = r.nextInt(classes);
        }
        ImageSet set = new ImageSet("random", pixels, labels, 3, 32, 32, classes);
        List<Double> millis = new ArrayList<>();
        long[] epochEnds = new long[2];
        String gpuMemory;
        long params;
        try (NDManager m = Torch.engine().newBaseManager(d);
             TensorData data = TensorData.upload(m, set, null);
             Network net = Network.create(new NetworkSpec(arch, width, 3, classes), m, 1)) {
            params = net.siParameterCount();
            EpochSchedule schedule = arch.scaleInvariant() ? EpochSchedule.onSphere(2, batch, 1e-3, arch.rho())
                    : new EpochSchedule(2, batch, 0.1, 0.9, 5e-4, false);
            TrainingListener timer = new TrainingListener() {
                @Override
                public void onStep(long iteration, int samples, long nanos) {
                    if (iteration > steps) {
                        millis.add(nanos / 1e6);
                    }
                }

                @Override
                public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                    epochEnds[(int) epoch] = System.nanoTime();
                }
            };
            ImageTraining.train(net, ImageTrainingState.start(net.snapshot()), data, 1, schedule,
                    ImageTraining.Probe.NONE, timer, s -> { });
            // libtorch's caching allocator keeps what the steps needed, so the device's used memory
            // right after training is the run's peak (plus whatever else runs on that GPU).
            gpuMemory = d.isGpu() ? String.format(" gpu_memory_used_mb=%.1f",
                    CudaUtils.getGpuMemory(d).getUsed() / 1048576.0) : "";
        }
        double median = d.isGpu() ? (epochEnds[1] - epochEnds[0]) / 1e6 / steps
                : Vectors.median(millis.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf("model=%s width=%d batch=%d steps=%d device=%s threads=%s params_si=%d%n", arch, width,
                batch, millis.size(), d.isGpu() ? "gpu" : "cpu",
                System.getProperty("ai.djl.pytorch.num_threads", String.valueOf(Runtime.getRuntime()
                        .availableProcessors())), params);
        System.out.printf("median_ms_per_step=%.1f images_per_second=%.1f peak_rss_mb=%.1f%s%n", median,
                batch / (median / 1000), BenchCommand.peakRssMb(), gpuMemory);
        return 0;
    }
}
