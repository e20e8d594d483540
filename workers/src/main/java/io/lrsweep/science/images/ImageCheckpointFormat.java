package io.lrsweep.science.images;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary checkpoint of an {@link ImageTrainingState}: float32 tensors bit-exact (so a resumed run
 * continues exactly), the curves in double, the sums of an unfinished epoch, and an owner tag
 * (the stage fingerprint) so that a stage refuses a checkpoint left by another configuration.
 * A state at an epoch end is written in format 1, byte for byte as before states could fall inside
 * an epoch; only a state inside an epoch needs format 2, which adds the epoch's partial sums.
 */
public final class ImageCheckpointFormat {
    private static final long MAGIC = 0x4C5253494D434B50L; // "LRSIMCKP"
    private static final int VERSION_EPOCH_END = 1;
    private static final int VERSION_INSIDE_EPOCH = 2;
    private static final long MAX_VALUES = 1L << 31;

    private ImageCheckpointFormat() {
    }

    /** A decoded checkpoint and the tag of the stage that wrote it. */
    public record Checkpoint(String owner, ImageTrainingState state) {
    }

    public static byte[] encode(String owner, ImageTrainingState s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            boolean inside = !s.partial().equals(ImageTrainingState.PartialEpoch.NONE);
            out.writeInt(inside ? VERSION_INSIDE_EPOCH : VERSION_EPOCH_END);
            out.writeUTF(owner);
            out.writeInt(s.epoch());
            writeState(out, s.network());
            out.writeBoolean(s.velocity() != null);
            if (s.velocity() != null) {
                writeState(out, s.velocity());
            }
            writeDoubles(out, s.epochLoss());
            writeDoubles(out, s.epochAccuracy());
            writeDoubles(out, s.epochTestAccuracy());
            if (inside) {
                out.writeInt(s.partial().batches());
                out.writeDouble(s.partial().lossSum());
                out.writeLong(s.partial().correct());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A point alone (SWA window, final and averaged points), as a state after {@code epoch} epochs. */
    public static byte[] encodePoint(int epoch, NetworkState network) {
        return encode("", new ImageTrainingState(epoch, network, null, new double[0], new double[0], new double[0]));
    }

    public static Checkpoint decode(byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readLong() != MAGIC) {
                throw new IOException("not an lrsweep image checkpoint (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION_EPOCH_END && version != VERSION_INSIDE_EPOCH) {
                throw new IOException("image checkpoint format " + version + " is not supported (expected "
                        + VERSION_EPOCH_END + " or " + VERSION_INSIDE_EPOCH + ")");
            }
            String owner = in.readUTF();
            int epoch = in.readInt();
            NetworkState network = readState(in);
            NetworkState velocity = in.readBoolean() ? readState(in) : null;
            double[] loss = readDoubles(in);
            double[] accuracy = readDoubles(in);
            double[] tested = readDoubles(in);
            ImageTrainingState.PartialEpoch partial = version == VERSION_EPOCH_END
                    ? ImageTrainingState.PartialEpoch.NONE
                    : new ImageTrainingState.PartialEpoch(in.readInt(), in.readDouble(), in.readLong());
            ImageTrainingState s = new ImageTrainingState(epoch, network, velocity, loss, accuracy, tested, partial);
            if (in.read() != -1) {
                throw new IOException("image checkpoint has trailing bytes");
            }
            return new Checkpoint(owner, s);
        } catch (EOFException e) {
            throw new IOException("image checkpoint is truncated", e);
        } catch (IllegalArgumentException e) {
            throw new IOException("image checkpoint is inconsistent: " + e.getMessage(), e);
        }
    }

    private static void writeState(DataOutputStream out, NetworkState state) throws IOException {
        out.writeInt(state.tensors().size());
        for (NetworkState.Tensor t : state.tensors()) {
            out.writeUTF(t.name());
            out.writeByte(t.role().ordinal());
            out.writeByte(t.shape().length);
            for (long d : t.shape()) {
                out.writeLong(d);
            }
            ByteBuffer b = ByteBuffer.allocate(t.values().length * Float.BYTES);
            b.asFloatBuffer().put(t.values());
            out.writeInt(t.values().length);
            out.write(b.array());
        }
    }

    private static NetworkState readState(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 10_000) {
            throw new IOException("image checkpoint tensor count " + n + " is not plausible");
        }
        List<NetworkState.Tensor> tensors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int role = in.readByte();
            if (role < 0 || role >= TensorRole.values().length) {
                throw new IOException("image checkpoint tensor " + name + " has an unknown role " + role);
            }
            int dims = in.readByte();
            long[] shape = new long[dims];
            for (int d = 0; d < dims; d++) {
                shape[d] = in.readLong();
            }
            int count = in.readInt();
            if (count < 0 || count >= MAX_VALUES) {
                throw new IOException("image checkpoint tensor " + name + " size " + count + " is not plausible");
            }
            byte[] raw = new byte[count * Float.BYTES];
            in.readFully(raw);
            float[] values = new float[count];
            ByteBuffer.wrap(raw).asFloatBuffer().get(values);
            tensors.add(new NetworkState.Tensor(name, TensorRole.values()[role], shape, values));
        }
        return new NetworkState(tensors);
    }

    private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double v : a) {
            out.writeDouble(v);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 10_000_000) {
            throw new IOException("image checkpoint curve length " + n + " is not plausible");
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }
}
