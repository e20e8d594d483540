package io.lrsweep.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Data set archives (CIFAR, …) named by a location: a local path is used as it is; an
 * {@code s3://bucket/path/file} object is downloaded once into a local cache directory and
 * verified against its SHA-256 — the expected value given by the caller, else the sibling object
 * {@code file.sha256} — before it is used. A download that does not match is deleted, never used.
 */
public final class DatasetCache {
    private final Path dir;
    private final Map<String, String> env;
    private final Map<String, Path> verified = new ConcurrentHashMap<>();
    private final AtomicInteger downloads = new AtomicInteger();

    public DatasetCache(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /** Downloads made so far (cache hits do not count). */
    public int downloads() {
        return downloads.get();
    }

    /** A local file holding the data set at {@code location}; {@code expectedSha256} may be null. */
    public synchronized Path fetch(String location, String expectedSha256) throws IOException {
        if (!location.startsWith("s3://")) {
            Path p = Path.of(location.startsWith("file:") ? URI.create(location).getPath() : location);
            if (!Files.exists(p)) {
                throw new NoSuchFileException(location, null, "data set not found");
            }
            return p;
        }
        Path known = verified.get(location);
        if (known != null) {
            return known;
        }
        int slash = location.lastIndexOf('/');
        if (slash <= "s3://".length() || slash == location.length() - 1) {
            throw new IllegalArgumentException("data set " + location + ": expected s3://bucket/path/file");
        }
        String name = location.substring(slash + 1);
        StoreKeys.requireValidName(name);
        S3ArtifactStore store = new S3ArtifactStore(S3Settings.of(location.substring(0, slash), env));
        String expected = expectedSha256 != null ? expectedSha256.toLowerCase(Locale.ROOT)
                : sidecar(store, name, location);
        Path target = dir.resolve(Sha256.hex(location.getBytes(StandardCharsets.UTF_8)).substring(0, 16)).resolve(name);
        Path marker = target.resolveSibling(name + ".verified");
        if (Files.exists(marker) && Files.readString(marker).trim().equals(expected) && Files.exists(target)
                && hash(target).equals(expected)) {
            verified.put(location, target);
            return target;
        }
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(name + ".part");
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = store.open(name);
             OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
            in.transferTo(out);
        }
        downloads.incrementAndGet();
        String actual = Sha256.hex(digest);
        if (!actual.equals(expected)) {
            Files.deleteIfExists(temp);
            throw new CorruptObjectException(location, "SHA-256 " + actual + ", expected " + expected);
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(marker, expected + "\n");
        verified.put(location, target);
        return target;
    }

    private static String sidecar(S3ArtifactStore store, String name, String location) throws IOException {
        try {
            String text = new String(store.get(name + ".sha256"), StandardCharsets.US_ASCII).trim();
            String hex = text.split("\\s+")[0].toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IOException("data set " + location + ": " + name + ".sha256 does not hold a SHA-256");
            }
            return hex;
        } catch (NoSuchFileException e) {
            throw new IOException("data set " + location + " has no checksum: give its SHA-256 or put "
                    + name + ".sha256 next to it", e);
        }
    }

    private static String hash(Path file) throws IOException {
        MessageDigest d = Sha256.newDigest();
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), d)) {
            in.transferTo(out);
        }
        return Sha256.hex(d);
    }
}
