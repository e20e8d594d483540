package io.lrsweep.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Streams an object while hashing it, and fails with {@link CorruptObjectException} at the end of
 * the stream (or as soon as it runs long) when size or SHA-256 differ from what the manifest recorded.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final StoredObject expected;
    private final MessageDigest digest = Sha256.newDigest();
    private long count;
    private boolean checked;

    VerifyingInputStream(InputStream in, StoredObject expected) {
        super(in);
        this.expected = expected;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
            count += n;
            if (count > expected.size()) {
                throw new CorruptObjectException(expected.key(), "longer than the " + expected.size()
                        + " bytes the manifest says");
            }
        } else if (n < 0) {
            verify();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must be hashed too.
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }

    private void verify() throws CorruptObjectException {
        if (checked) {
            return;
        }
        checked = true;
        if (count != expected.size()) {
            throw new CorruptObjectException(expected.key(), "size " + count + " bytes, manifest says " + expected.size());
        }
        String actual = Sha256.hex(digest);
        if (!actual.equals(expected.sha256())) {
            throw new CorruptObjectException(expected.key(), "SHA-256 " + actual + ", manifest says " + expected.sha256());
        }
    }
}
