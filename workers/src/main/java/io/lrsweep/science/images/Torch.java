package io.lrsweep.science.images;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;

/**
 * The PyTorch engine of DJL, started offline (no download, no usage tracking, no probe of cloud
 * metadata addresses) and the device the image models run on.
 */
public final class Torch {
    /**
     * libtorch's intra-op threads on the CPU. Its reductions split by thread count, so the count
     * changes the last bits of every CPU result (measured: one thread against two gave a different
     * pre-training accuracy after 12 epochs, 0.4025 against 0.4265); fixed here, a machine's number
     * of cores no longer changes a result (its instruction set still does). Two,
     * because a worker runs its image computations one at a time and gains ~1.8× from a second core.
     */
    public static final int CPU_THREADS = 2;

    private Torch() {
    }

    static {
        // DJL reads these on first use; they must be set before the engine loads.
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_threads", String.valueOf(CPU_THREADS));
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Set (by {@code lrsweep --verbose}) to let libtorch's native warnings through. */
    public static final String VERBOSE_PROPERTY = "lrsweep.verbose";

    /**
     * The engine; loading it the first time unpacks the native libraries (once per machine).
     * DJL's in-place copy into a tensor (NDArray.set) makes libtorch print, once per process and
     * to native stderr, that AutoNonVariableTypeMode is deprecated: it is made once here, with
     * that stderr muted, unless {@value #VERBOSE_PROPERTY} is set.
     */
    public static Engine engine() {
        return Loaded.ENGINE;
    }

    private static final class Loaded {
        static final Engine ENGINE = load();

        private static Engine load() {
            Engine e = Engine.getEngine("PyTorch");
            if (!Boolean.getBoolean(VERBOSE_PROPERTY)) {
                MutedNativeStderr.run(() -> {
                    try (NDManager m = e.newBaseManager(Device.cpu());
                         NDArray one = m.zeros(new Shape(1))) {
                        one.set(new float[] {1});
                    }
                });
            }
            return e;
        }
    }

    /**
     * The device for {@code preference}: {@code cpu}, {@code gpu} (fails when none is visible) or
     * {@code auto} (the first GPU when one is visible, else the CPU).
     */
    public static Device device(String preference) {
        String p = preference == null ? "auto" : preference.toLowerCase(Locale.ROOT);
        int gpus = engine().getGpuCount();
        return switch (p) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalStateException("device gpu was asked for, but libtorch sees no GPU (jar built"
                            + " without -Pgpu, or no CUDA device visible)");
                }
                yield Device.gpu();
            }
            case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
            default -> throw new IllegalArgumentException("device '" + preference + "' is not one of cpu, gpu, auto");
        };
    }

    /**
     * Turns autograd off for the calling thread. PyTorch's grad mode is per thread and on by
     * default in every new thread (DJL turns it off only in the thread that loads the engine);
     * with it on, updating a parameter in place is refused and evaluation would record graphs.
     */
    static void gradientsOff() {
        engine();
        JniUtils.setGradMode(false);
    }

    /** One line saying which engine and device are used, for the worker's start-up log. */
    public static String describe(Device device) {
        Engine e = engine();
        return "DJL " + Engine.getDjlVersion() + ", " + e.getEngineName() + " " + e.getVersion() + ", device "
                + device + " (GPUs visible: " + e.getGpuCount() + (device.isGpu() ? "" : ", CPU threads "
                + JniUtils.getNumThreads()) + ")";
    }
}
