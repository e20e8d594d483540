package io.lrsweep.science;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Binary checkpoint of a {@link TrainingState}: doubles are written bit-exactly, so a run resumed
 * from a checkpoint continues exactly as if it had never stopped. The owner tag (a stage
 * fingerprint) lets a stage refuse a checkpoint left by a different configuration.
 */
public final class CheckpointFormat {
    private static final long MAGIC = 0x4C525357434B5054L; // "LRSWCKPT"
    private static final int VERSION = 1;

    private CheckpointFormat() {
    }

    /** A decoded checkpoint and the tag of the stage that wrote it. */
    public record Checkpoint(String owner, TrainingState state) {
    }

    public static byte[] encode(String owner, TrainingState s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(owner);
            out.writeLong(s.iteration());
            writeArray(out, s.weights().si());
            writeArray(out, s.weights().head());
            writeArray(out, s.epochLoss());
            writeArray(out, s.epochAccuracy());
            out.writeDouble(s.partialLossSum());
            out.writeLong(s.partialCorrect());
            out.writeLong(s.partialSamples());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Weights alone (SWA window and final points), as a state at the given iteration. */
    public static byte[] encodeWeights(long iteration, Weights w) {
        return encode("", new TrainingState(iteration, w, new double[0], new double[0], 0, 0, 0));
    }

    public static Checkpoint decode(byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readLong() != MAGIC) {
                throw new IOException("not an lrsweep checkpoint (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("checkpoint format " + version + " is not supported (expected " + VERSION + ")");
            }
            String owner = in.readUTF();
            long iteration = in.readLong();
            double[] si = readArray(in);
            double[] head = readArray(in);
            double[] loss = readArray(in);
            double[] acc = readArray(in);
            TrainingState s = new TrainingState(iteration, new Weights(si, head), loss, acc, in.readDouble(),
                    in.readLong(), in.readLong());
            if (in.read() != -1) {
                throw new IOException("checkpoint has trailing bytes");
            }
            return new Checkpoint(owner, s);
        } catch (EOFException e) {
            throw new IOException("checkpoint is truncated", e);
        }
    }

    private static void writeArray(DataOutputStream out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double v : a) {
            out.writeDouble(v);
        }
    }

    private static double[] readArray(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000_000) {
            throw new IOException("checkpoint array length " + n + " is not plausible");
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }
}
