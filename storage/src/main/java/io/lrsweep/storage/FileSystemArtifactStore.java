package io.lrsweep.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * An artifact store in a local directory. Each put streams into a temporary file in the same file
 * system, forces it to disk and renames it over the target, so a crash never leaves a half-written
 * object under a real key.
 */
public final class FileSystemArtifactStore implements ArtifactStore {
    private static final String TEMP_DIR = ".incoming";
    private final Path root;

    public FileSystemArtifactStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root.resolve(TEMP_DIR));
    }

    public Path root() {
        return root;
    }

    /** The file that holds {@code key} (which may not exist yet). */
    public Path pathOf(String key) {
        Path p = root.resolve(StoreKeys.requireValidKey(key)).normalize();
        if (!p.startsWith(root)) {
            throw new StoreKeys.InvalidKeyException("object key escapes the store: " + key);
        }
        return p;
    }

    @Override
    public StoredObject put(String key, Payload payload) throws IOException {
        Path target = pathOf(key);
        Files.createDirectories(target.getParent());
        Path temp = root.resolve(TEMP_DIR).resolve(UUID.randomUUID() + ".part");
        MessageDigest digest = Sha256.newDigest();
        long size;
        try {
            try (InputStream data = payload.open();
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(temp,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), digest)) {
                size = data.transferTo(out);
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system under " + root + " cannot rename atomically", e);
            }
        } catch (IOException e) {
            throw full(e, key).orElse(e);
        } finally {
            Files.deleteIfExists(temp);
        }
        return new StoredObject(key, size, Sha256.hex(digest));
    }

    /** A write failure that means the file system is full (ENOSPC) or the quota used up (EDQUOT), said so. */
    private Optional<IOException> full(IOException e, String key) {
        String why = String.valueOf(e.getMessage());
        if (!why.contains("No space left on device") && !why.contains("Disk quota exceeded")) {
            return Optional.empty();
        }
        String free;
        try {
            free = Files.getFileStore(root).getUsableSpace() / 1024 + " KiB free";
        } catch (IOException unknown) {
            free = "free space unknown";
        }
        return Optional.of(new StoreFullException("the store " + describe() + " is full (" + why.trim()
                + ", " + free + ") while writing " + key + ": free space there or move the store (--store),"
                + " then resume the study (lrsweep resume ID); nothing half-written was kept", e));
    }

    @Override
    public InputStream open(String key) throws IOException {
        Path p = pathOf(key);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(key, null, "no object in " + describe());
        }
        return Files.newInputStream(p);
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        Path p = pathOf(key);
        return Files.isRegularFile(p) ? Optional.of(Files.size(p)) : Optional.empty();
    }

    private Path folder(String prefix) {
        return prefix.isEmpty() ? root : pathOf(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        Path base = folder(prefix);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(base)) {
            files.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> !k.startsWith(TEMP_DIR + "/"))
                    .sorted()
                    .forEach(keys::add);
        }
        return keys;
    }

    @Override
    public List<String> children(String prefix) throws IOException {
        Path base = folder(prefix);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(base)) {
            return entries.filter(e -> !root.relativize(e).toString().equals(TEMP_DIR))
                    .map(e -> e.getFileName() + (Files.isDirectory(e) ? "/" : "")).sorted().toList();
        }
    }

    @Override
    public Optional<Instant> modified(String key) throws IOException {
        Path p = pathOf(key);
        return Files.isRegularFile(p) ? Optional.of(Files.getLastModifiedTime(p).toInstant()) : Optional.empty();
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(pathOf(key));
    }

    @Override
    public String describe() {
        return root.toUri().toString();
    }
}
