package io.lrsweep.stages;

import io.lrsweep.science.ProjectedSgd;
import io.lrsweep.science.SeededRandom;
import io.lrsweep.science.images.ImageTraining;
import io.lrsweep.science.images.ImageTrainingState;
import io.lrsweep.science.images.Network;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Image pre-training: {@code pretrainEpochs + K_max − 1} epochs with the PLR from a seeded
 * initialisation. Keeps the epoch checkpoints of the SWA window; the first of them (epoch
 * {@code pretrainEpochs}) is the pre-trained point. Test accuracy is measured after each of the
 * last {@code recentEpochs} pre-training epochs; their mean is the pre-training curve's value.
 */
final class ImagePretrainStage {
    private final ArtifactStore store;

    ImagePretrainStage(ArtifactStore store) {
        this.store = store;
    }

    StageOutcome run(Branch b, boolean force, StageProgress progress) throws IOException {
        var c = b.config();
        StageDirectory dir = new StageDirectory(store, StudyLayout.pretrain(c.studyId(), b.plr(), b.seed()));
        Map<String, Object> inputs = StageCache.inputs(PretrainStage.NAME, b);
        inputs.put("epochs", c.pretrainEpochs());
        inputs.put("window", c.maxK());
        inputs.put("recentEpochs", c.recentEpochs());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, PretrainStage.NAME, fingerprint, force);
        if (cached.isPresent()) {
            return cached.get();
        }
        int pretrained = c.pretrainEpochs();
        int total = pretrained + c.maxK() - 1;
        long started = System.nanoTime();
        long stepsBefore = ProjectedSgd.STEPS_TAKEN.get();
        TrainingRun run = new TrainingRun(c.studyId(), PretrainStage.NAME, b.plr(), null, b.seed());
        ImageTensors data = ImageTensors.of(c);
        ImageTrainingState end;
        ImageTraining.DEVICE.lock();
        try (Network net = Network.create(data.spec(c), data.manager(), SeededRandom.derive(b.seed(), "image-init")
                .nextLong())) {
            var probe = new ImageTraining.Probe(pretrained - c.recentEpochs(), n -> ImageRuns.test(n, data).accuracy());
            end = ImageRuns.train(run, dir, fingerprint, net, ImageTrainingState.start(net.snapshot()), data.train(),
                    SeededRandom.derive(b.seed(), "pretrain-order").nextLong(),
                    ImageRuns.schedule(c, net, b.plr(), total), probe, epoch -> epoch >= pretrained, progress);
        } finally {
            ImageTraining.DEVICE.unlock();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long steps = ProjectedSgd.STEPS_TAKEN.get() - stepsBefore;
        dir.write("curve.json", Json.bytes(ImageRuns.curve(end)));
        List<String> names = new ArrayList<>();
        for (int e = pretrained; e <= total; e++) {
            names.add(ImageRuns.epochCheckpoint(e));
        }
        names.add("curve.json");
        double[] budgetLoss = Arrays.copyOf(end.epochLoss(), pretrained);
        double minLoss = Arrays.stream(budgetLoss).min().orElse(Double.POSITIVE_INFINITY);
        double pointAccuracy = end.epochTestAccuracy()[pretrained - 1];
        double recent = Arrays.stream(end.epochTestAccuracy(), pretrained - c.recentEpochs(), pretrained).average()
                .orElse(Double.NaN);
        progress.tested(run, pointAccuracy);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("epochs", end.epoch());
        metrics.put("minEpochLoss", minLoss);
        metrics.put("finalEpochLoss", budgetLoss[pretrained - 1]);
        metrics.put("finalEpochTrainAccuracy", end.epochAccuracy()[pretrained - 1]);
        metrics.put("converged", minLoss < c.convergenceLoss());
        metrics.put("testAccuracy", pointAccuracy);
        metrics.put("recentTestAccuracy", recent);
        metrics.put("pretrainedPoint", ImageRuns.epochCheckpoint(pretrained));
        metrics.put("stepsThisAttempt", steps);
        metrics.put("imagesPerSecond", seconds > 0 ? steps * c.batchSize() / seconds : 0.0);
        Manifest m = dir.commit(PretrainStage.NAME, fingerprint, inputs, names, metrics, CodeVersion.full());
        dir.delete(ResumableTraining.RESUME);
        progress.log(String.format("pretrain plr=%s seed=%d done: test accuracy %.4f (mean of last %d epochs %.4f),"
                        + " min epoch loss %.4g, %.0f images/s", StudyLayout.rate(b.plr()), b.seed(), pointAccuracy,
                c.recentEpochs(), recent, minLoss, seconds > 0 ? steps * c.batchSize() / seconds : 0.0));
        return StageCache.outcome(dir, m, false);
    }
}
