package io.lrsweep.setup;

import ai.djl.Device;
import io.lrsweep.data.DataCache;
import io.lrsweep.data.ImageData;
import io.lrsweep.science.images.Torch;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the stages of one worker compute with: the device image models run on, how many
 * compute-bound stages may run at once, the data sets loaded so far, and a count of the training
 * steps taken. One per worker process, passed in like the artifact store.
 */
public final class ComputeContext implements AutoCloseable {
    private final String devicePreference;
    private final int slots;
    private final DataCache data;
    private final LongAdder steps = new LongAdder();
    // DJL's gradient collector is global to the process, and two image trainings would only fight
    // for the cores: image computations of one worker run one at a time, in arrival order.
    private final ReentrantLock imageCompute = new ReentrantLock(true);
    private Device device;

    /**
     * @param devicePreference where image models run: {@code cpu}, {@code gpu} or {@code auto}
     * @param slots            compute-bound stages at once (at least 1)
     * @param data             the data cache of this worker
     */
    public ComputeContext(String devicePreference, int slots, DataCache data) {
        if (slots < 1) {
            throw new IllegalArgumentException("compute slots must be at least 1: " + slots);
        }
        this.devicePreference = devicePreference == null || devicePreference.isBlank() ? "auto" : devicePreference;
        this.slots = slots;
        this.data = data;
    }

    /** A context whose data sets are cached under {@code datasetsDir} (archives, downloads). */
    public static ComputeContext of(String devicePreference, int slots, Path datasetsDir) {
        return new ComputeContext(devicePreference, slots, new DataCache(new ImageData(datasetsDir, System.getenv())));
    }

    /** A CPU context with one slot, for tests and notebooks. */
    public static ComputeContext cpu(Path datasetsDir) {
        return new ComputeContext("cpu", 1, new DataCache(new ImageData(datasetsDir, Map.of())));
    }

    /** The device image models run on, resolved (and libtorch loaded) on first use. */
    public synchronized Device device() {
        if (device == null) {
            device = Torch.device(devicePreference);
        }
        return device;
    }

    /** One line naming the engine and device of image stages, for start-up output. */
    public String describeDevice() {
        return Torch.describe(device());
    }

    public int slots() {
        return slots;
    }

    public DataCache data() {
        return data;
    }

    /** Training steps taken in this context so far (throughput figures; proof that nothing re-trained). */
    public long stepsTaken() {
        return steps.sum();
    }

    void countStep() {
        steps.increment();
    }

    /** Held around every image computation (training, averaging with BN recomputation, measuring). */
    ReentrantLock imageCompute() {
        return imageCompute;
    }

    @Override
    public void close() {
        data.close();
    }
}
