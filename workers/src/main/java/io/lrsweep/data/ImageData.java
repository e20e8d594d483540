package io.lrsweep.data;

import io.lrsweep.science.images.ImageSplit;
import io.lrsweep.storage.DatasetCache;
import io.lrsweep.storage.Sha256;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a study's image data set by catalogue entry and source, once per instance.
 *
 * <p>Sources: none (Fashion-MNIST from Debian's package; CIFAR from the official archive in the
 * cache directory, downloaded from the CIFAR site when missing), a local directory or
 * {@code .tar.gz}, a {@code file:} URI, {@code s3://bucket/key} (verified by SHA-256, see
 * {@link DatasetCache}) or an {@code http(s)://} URL. A URL may end in {@code #md5=HEX} (or an
 * {@code s3://} location in {@code #sha256=HEX}) to give the expected checksum.
 */
public final class ImageData {
    private record Key(DataSet dataset, String source) {
    }

    private final Path cacheDir;
    private final Map<String, String> env;
    private final ArchiveDownload download;
    /**
     * Weakly: once the stages' tensors are on the device nothing else needs the decoded bytes (72 MB
     * for Fashion-MNIST), so the heap may return them; a later load while someone still holds the
     * split gets the same one, and after it was collected the data set is read again (seconds).
     */
    private final Map<Key, WeakReference<ImageSplit>> loaded = new HashMap<>();
    private DatasetCache s3;

    public ImageData(Path cacheDir, Map<String, String> env) {
        this(cacheDir, env, ArchiveDownload.defaultClient());
    }

    public ImageData(Path cacheDir, Map<String, String> env, HttpClient client) {
        this.cacheDir = cacheDir;
        this.env = env;
        this.download = new ArchiveDownload(client);
    }

    /** The cache directory of this instance. */
    public Path cacheDir() {
        return cacheDir;
    }

    /** The image data set named {@code id} (see {@link DataSet}) from {@code source}. */
    public ImageSplit load(String id, String source) throws IOException {
        DataSet dataset = DataSet.named(id).filter(DataSet::isImage).orElseThrow(() -> new IllegalArgumentException(
                "unknown data set '" + id + "'; known: " + String.join(", ", DataSet.imageIds())));
        return load(dataset, source);
    }

    /**
     * The image data set {@code dataset} from {@code source} (null or blank: the default), read
     * once per instance while it is in use. Synchronized: concurrent stages wait for the one read instead of each
     * reading.
     */
    public synchronized ImageSplit load(DataSet dataset, String source) throws IOException {
        String src = source == null || source.isBlank() ? null : source.strip();
        Key key = new Key(dataset, src);
        WeakReference<ImageSplit> held = loaded.get(key);
        ImageSplit split = held == null ? null : held.get();
        if (split == null) {
            split = switch (dataset.files()) {
                case DataSet.IdxDirectory idx -> idx(dataset, idx, src);
                case DataSet.CifarArchive archive -> cifar(archive, src);
                case null -> throw new IllegalArgumentException("data set '" + dataset + "' is generated, not read");
            };
            loaded.put(key, new WeakReference<>(split));
        }
        return split;
    }

    private static ImageSplit idx(DataSet dataset, DataSet.IdxDirectory idx, String src) throws IOException {
        if (src == null) {
            if (!Files.isDirectory(idx.defaultDir())) {
                throw new NoSuchFileException(idx.defaultDir().toString(), null, dataset + " is not installed:"
                        + " install Debian's package " + idx.debianPackage() + ", or give a directory of its IDX"
                        + " files as the data source");
            }
            return FashionMnistReader.read(idx.defaultDir());
        }
        if (src.startsWith("s3://") || src.startsWith("http://") || src.startsWith("https://")) {
            throw new IllegalArgumentException(dataset + " is read from a local directory of IDX files, not " + src);
        }
        return FashionMnistReader.read(localPath(src));
    }

    private ImageSplit cifar(DataSet.CifarArchive official, String src) throws IOException {
        if (src == null) {
            return official.reader().readArchive(cached(official.url(), cacheDir.resolve(official.fileName()),
                    official.md5()));
        }
        int hash = src.indexOf('#');
        String location = hash < 0 ? src : src.substring(0, hash);
        String fragment = hash < 0 ? null : src.substring(hash + 1);
        if (location.startsWith("s3://")) {
            Path archive = s3().fetch(location, checksum(fragment, "sha256", 64, src));
            return official.reader().read(archive);
        }
        if (location.startsWith("http://") || location.startsWith("https://")) {
            URI url = URI.create(location);
            String path = url.getPath() == null ? "" : url.getPath();
            String fileName = path.substring(path.lastIndexOf('/') + 1);
            if (fileName.isEmpty()) {
                throw new IllegalArgumentException("data source " + src + " names no file to download");
            }
            String md5 = checksum(fragment, "md5", 32, src);
            if (md5 == null) {
                if (!fileName.equals(official.fileName())) {
                    throw new IllegalArgumentException("data source " + src + " is not the official "
                            + official.fileName() + ": give its MD5 as " + location + "#md5=<32 hex digits>");
                }
                md5 = official.md5();
            }
            Path target = url.equals(official.url()) ? cacheDir.resolve(fileName)
                    : cacheDir.resolve("urls").resolve(Sha256.hex(location.getBytes(StandardCharsets.UTF_8))
                            .substring(0, 16)).resolve(fileName);
            return official.reader().read(cached(url, target, md5));
        }
        if (fragment != null) {
            throw new IllegalArgumentException("data source " + src + ": checksums apply to downloads only");
        }
        return official.reader().read(localPath(location));
    }

    /** The archive at {@code target}, downloaded first when missing; an existing one must match too. */
    private Path cached(URI url, Path target, String md5) throws IOException {
        if (Files.isRegularFile(target)) {
            String found = ArchiveDownload.md5(target);
            if (!found.equals(md5)) {
                throw new IOException(target + ": MD5 " + found + ", expected " + md5 + " (" + url
                        + "); delete it to download it again");
            }
            return target;
        }
        download.fetch(url, target, md5);
        return target;
    }

    private DatasetCache s3() {
        if (s3 == null) {
            s3 = new DatasetCache(cacheDir.resolve("s3"), env);
        }
        return s3;
    }

    /** The {@code key=HEX} checksum of a fragment, or null when there is no fragment. */
    private static String checksum(String fragment, String key, int digits, String src) {
        if (fragment == null) {
            return null;
        }
        String hex = fragment.startsWith(key + "=") ? fragment.substring(key.length() + 1).toLowerCase(Locale.ROOT) : "";
        if (!hex.matches("[0-9a-f]{" + digits + "}")) {
            throw new IllegalArgumentException("data source " + src + ": expected #" + key + "=<" + digits
                    + " hex digits> after the location");
        }
        return hex;
    }

    private static Path localPath(String src) throws NoSuchFileException {
        Path p = src.startsWith("file:") ? Path.of(URI.create(src)) : Path.of(src);
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString(), null, "data source not found");
        }
        return p;
    }
}
