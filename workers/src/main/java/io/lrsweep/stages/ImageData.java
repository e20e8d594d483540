package io.lrsweep.stages;

import io.lrsweep.science.images.CifarReader;
import io.lrsweep.science.images.FashionMnistReader;
import io.lrsweep.science.images.ImageSplit;
import io.lrsweep.storage.DatasetCache;
import io.lrsweep.storage.Sha256;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A study's image data set by name and source, read once per process.
 *
 * <p>Sources: none (Fashion-MNIST from Debian's package; CIFAR from the official archive in the
 * cache directory, downloaded from the CIFAR site when missing), a local directory or
 * {@code .tar.gz}, a {@code file:} URI, {@code s3://bucket/key} (verified by SHA-256, see
 * {@link DatasetCache}) or an {@code http(s)://} URL. A URL may end in {@code #md5=HEX} (or an
 * {@code s3://} location in {@code #sha256=HEX}) to give the expected checksum.
 */
public final class ImageData {
    /** The data set names a study may use. */
    public static final List<String> NAMES = List.of("cifar10", "cifar100", "fashion-mnist");

    /** An official CIFAR archive: its URL and the MD5 published on the CIFAR page. */
    public record OfficialArchive(CifarReader reader, String fileName, URI url, String md5) {
    }

    public static final OfficialArchive CIFAR10 = new OfficialArchive(CifarReader.CIFAR10, "cifar-10-binary.tar.gz",
            URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), "c32a1d4ab5d03f1284b67883e8d87530");
    public static final OfficialArchive CIFAR100 = new OfficialArchive(CifarReader.CIFAR100, "cifar-100-binary.tar.gz",
            URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"), "03b5dce01913d631647c71ecec9e9cb8");

    private static final ImageData PROCESS = new ImageData(defaultCacheDir(System.getenv()), System.getenv());

    private record Key(String dataset, String source) {
    }

    private final Path cacheDir;
    private final Map<String, String> env;
    private final ArchiveDownload download;
    private final Map<Key, ImageSplit> loaded = new HashMap<>();
    private DatasetCache s3;

    public ImageData(Path cacheDir, Map<String, String> env) {
        this(cacheDir, env, ArchiveDownload.defaultClient());
    }

    public ImageData(Path cacheDir, Map<String, String> env, HttpClient client) {
        this.cacheDir = cacheDir;
        this.env = env;
        this.download = new ArchiveDownload(client);
    }

    /** The data set of this process, read on first use; {@code source} may be null. */
    public static ImageSplit of(String dataset, String source) throws IOException {
        return PROCESS.load(dataset, source);
    }

    /** {@code <LRSWEEP_HOME or ~/.lrsweep>/datasets}: where archives are cached. */
    public static Path defaultCacheDir(Map<String, String> env) {
        String home = env.get("LRSWEEP_HOME");
        Path base = home == null || home.isBlank() ? Path.of(System.getProperty("user.home"), ".lrsweep") : Path.of(home);
        return base.resolve("datasets");
    }

    /** The cache directory of this instance. */
    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * The data set {@code dataset} from {@code source} (null or blank: the default), read once per
     * instance. Synchronized: concurrent stages wait for the one read instead of each reading.
     */
    public synchronized ImageSplit load(String dataset, String source) throws IOException {
        if (!NAMES.contains(dataset)) {
            throw new IllegalArgumentException("unknown data set '" + dataset + "'; known: " + String.join(", ", NAMES));
        }
        String src = source == null || source.isBlank() ? null : source.strip();
        Key key = new Key(dataset, src);
        ImageSplit split = loaded.get(key);
        if (split == null) {
            split = dataset.equals("fashion-mnist") ? fashionMnist(src) : cifar(dataset.equals("cifar10") ? CIFAR10
                    : CIFAR100, src);
            loaded.put(key, split);
        }
        return split;
    }

    private static ImageSplit fashionMnist(String src) throws IOException {
        if (src == null) {
            if (!Files.isDirectory(FashionMnistReader.DEBIAN_DIR)) {
                throw new NoSuchFileException(FashionMnistReader.DEBIAN_DIR.toString(), null, "Fashion-MNIST is not"
                        + " installed: install Debian's package dataset-fashion-mnist, or give a directory of its IDX"
                        + " files as the data source");
            }
            return FashionMnistReader.read(FashionMnistReader.DEBIAN_DIR);
        }
        if (src.startsWith("s3://") || src.startsWith("http://") || src.startsWith("https://")) {
            throw new IllegalArgumentException("fashion-mnist is read from a local directory of IDX files, not " + src);
        }
        return FashionMnistReader.read(localPath(src));
    }

    private ImageSplit cifar(OfficialArchive official, String src) throws IOException {
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
