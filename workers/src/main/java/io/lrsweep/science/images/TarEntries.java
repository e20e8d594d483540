package io.lrsweep.science.images;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The regular files of a tar stream, one after the other, read straight from the stream: data set
 * archives are read in place, never unpacked to disk. Understands ustar and GNU tar (long names)
 * and pax path records; other entries (directories, links) are skipped.
 */
final class TarEntries {
    private static final int BLOCK = 512;

    /** One regular file; its body is the next {@code size} bytes of the stream. */
    record Entry(String name, long size) {
    }

    private final InputStream in;
    private final String archive;
    private Entry current;
    private long unread;

    TarEntries(InputStream in, String archive) {
        this.in = in;
        this.archive = archive;
    }

    /** The next regular file, or null at the end of the archive; skips what is left of the current one. */
    Entry next() throws IOException {
        skipRest();
        String longName = null;
        byte[] header = new byte[BLOCK];
        while (true) {
            int n = in.readNBytes(header, 0, BLOCK);
            if (n == 0 || (n == BLOCK && isZero(header))) {
                current = null;
                return null;
            }
            if (n < BLOCK) {
                throw new EOFException(archive + ": tar archive ends inside a header");
            }
            checkSum(header);
            long size = size(header);
            char type = (char) header[156];
            String name = longName != null ? longName : name(header);
            longName = null;
            if (type == 'L' || type == 'x') {
                byte[] body = readExactly(size, name);
                skipPadding(size);
                longName = type == 'L' ? new String(body, StandardCharsets.UTF_8).replace("\0", "") : paxPath(body);
                continue;
            }
            if (type == '0' || type == '\0' || type == '7') {
                current = new Entry(name.startsWith("./") ? name.substring(2) : name, size);
                unread = size;
                return current;
            }
            in.skipNBytes(padded(size));
        }
    }

    /** The whole body of the current entry. */
    byte[] body() throws IOException {
        if (current == null) {
            throw new IllegalStateException("no current tar entry");
        }
        if (unread != current.size()) {
            throw new IllegalStateException("body of " + current.name() + " already read");
        }
        byte[] bytes = readExactly(current.size(), current.name());
        unread = 0;
        skipPadding(current.size());
        return bytes;
    }

    private void skipRest() throws IOException {
        if (current != null && unread > 0) {
            skip(unread, current.name());
            skipPadding(current.size());
        }
        current = null;
        unread = 0;
    }

    private byte[] readExactly(long size, String name) throws IOException {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException(archive + ": " + name + " is too large to read at once (" + size + " bytes)");
        }
        byte[] bytes = in.readNBytes((int) size);
        if (bytes.length < size) {
            throw new EOFException(archive + ": tar archive ends inside " + name + " (" + bytes.length + " of "
                    + size + " bytes)");
        }
        return bytes;
    }

    private void skipPadding(long size) throws IOException {
        skip(padded(size) - size, "the padding after an entry");
    }

    private void skip(long n, String what) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw new EOFException(archive + ": tar archive ends inside " + what);
        }
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String name(byte[] header) {
        String name = text(header, 0, 100);
        // ustar splits long paths into a prefix and a name.
        if (text(header, 257, 5).equals("ustar")) {
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    private long size(byte[] header) throws IOException {
        if ((header[124] & 0x80) != 0) {
            // GNU base-256 for sizes of 8 GiB and more.
            long v = header[124] & 0x7f;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (header[i] & 0xff);
            }
            return v;
        }
        return octal(header, 124, 12, "size");
    }

    private long octal(byte[] header, int offset, int length, String field) throws IOException {
        String s = text(header, offset, length).trim();
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '7')) {
            throw new IOException(archive + ": tar header of " + text(header, 0, 100) + " has " + field + " '"
                    + s + "', not an octal number");
        }
        return Long.parseLong(s, 8);
    }

    private void checkSum(byte[] header) throws IOException {
        long expected = octal(header, 148, 8, "checksum");
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            // The checksum field itself counts as eight spaces.
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        }
        if (sum != expected) {
            throw new IOException(archive + ": tar header of " + text(header, 0, 100) + " has checksum "
                    + expected + ", its bytes sum to " + sum + " (not a tar archive, or a damaged one)");
        }
    }

    /** The {@code path} record of a pax extended header: records "LEN key=value\n", LEN counted in bytes. */
    private String paxPath(byte[] body) throws IOException {
        int i = 0;
        while (i < body.length && body[i] != 0) {
            int len = 0;
            int j = i;
            while (j < body.length && body[j] >= '0' && body[j] <= '9') {
                len = len * 10 + (body[j++] - '0');
            }
            if (j >= body.length || body[j] != ' ' || len <= j - i + 1 || i + len > body.length) {
                throw new IOException(archive + ": damaged pax header at byte " + i);
            }
            String record = new String(body, j + 1, i + len - j - 2, StandardCharsets.UTF_8);
            if (record.startsWith("path=")) {
                return record.substring("path=".length());
            }
            i += len;
        }
        return null;
    }
}
