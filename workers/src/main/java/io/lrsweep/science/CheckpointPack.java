package io.lrsweep.science;

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
 * Several encoded checkpoints as one object, each kept byte for byte: the synthetic SWA window is
 * stored as one object instead of one per checkpoint (on an object store each is a round trip),
 * and a resume point inside the window carries the window checkpoints kept before it.
 */
public final class CheckpointPack {
    private static final long MAGIC = 0x4C5253575041434BL; // "LRSWPACK"
    private static final int VERSION = 1;
    /** Far above any window (the paper's is 100 checkpoints); a larger count is a corrupt header. */
    private static final int MAX_ENTRIES = 1_000_000;

    private CheckpointPack() {
    }

    public static byte[] encode(List<byte[]> checkpoints) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(checkpoints.size());
            for (byte[] c : checkpoints) {
                out.writeInt(c.length);
                out.write(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Whether {@code data} starts as a pack does (a plain checkpoint does not). */
    public static boolean isPack(byte[] data) {
        return data.length >= Long.BYTES && ByteBuffer.wrap(data).getLong() == MAGIC;
    }

    /** The checkpoints of a pack, in the order they were packed. */
    public static List<byte[]> decode(byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readLong() != MAGIC) {
                throw new IOException("not an lrsweep checkpoint pack (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("checkpoint pack format " + version + " is not supported (expected " + VERSION
                        + ")");
            }
            int count = in.readInt();
            if (count < 0 || count > MAX_ENTRIES) {
                throw new IOException("checkpoint pack count " + count + " is not plausible");
            }
            List<byte[]> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IOException("checkpoint pack entry " + i + " of " + length + " bytes is truncated");
                }
                out.add(in.readNBytes(length));
            }
            if (in.read() != -1) {
                throw new IOException("checkpoint pack has trailing bytes");
            }
            return out;
        } catch (EOFException e) {
            throw new IOException("checkpoint pack is truncated", e);
        }
    }
}
