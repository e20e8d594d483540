package io.lrsweep.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lrsweep.science.images.ImageSplit;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDataTest {
    private static final int RECORDS = 2;
    private static final String CIFAR10_MD5 = ((DataSet.CifarArchive) DataSet.CIFAR10.files()).md5();
    private static final byte[] ARCHIVE = CifarFiles.tarGz(CifarReader.CIFAR10, RECORDS);

    @TempDir
    Path cache;
    @TempDir
    Path local;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private String base;

    @BeforeEach
    void serveTheArchive() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            boolean truncated = exchange.getRequestURI().getPath().startsWith("/truncated/");
            exchange.sendResponseHeaders(200, ARCHIVE.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ARCHIVE, 0, truncated ? ARCHIVE.length / 2 : ARCHIVE.length);
                out.flush();
                if (truncated) {
                    // Drop the connection with half the announced body sent.
                    throw new IOException("server closes mid-body");
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ImageData data() {
        return new ImageData(cache, Map.of());
    }

    private List<Path> filesInCache() throws IOException {
        try (Stream<Path> files = Files.walk(cache)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static void assertIsTheGeneratedCifar10(ImageSplit split) {
        assertThat(split.train().count()).isEqualTo(5 * RECORDS);
        assertThat(split.test().count()).isEqualTo(RECORDS);
        assertThat(split.test().labels()[1]).isEqualTo(CifarFiles.label(CifarReader.CIFAR10, 5, 1));
    }

    @Test
    void aDownloadWithTheRightMd5IsReadAndKeptSoTheServerIsAskedOnce() throws Exception {
        String md5 = md5(ARCHIVE);
        String source = base + "/mirror/cifar-10-binary.tar.gz#md5=" + md5;

        ImageData first = data();
        ImageSplit split = first.load("cifar10", source);
        assertIsTheGeneratedCifar10(split);
        assertThat(first.load("cifar10", source)).isSameAs(split);
        // A second process (a new instance) finds the verified archive in the cache directory.
        assertIsTheGeneratedCifar10(data().load("cifar10", source));

        assertThat(requests).hasValue(1);
        assertThat(filesInCache()).hasSize(1).allSatisfy(p -> {
            assertThat(p.getFileName()).hasToString("cifar-10-binary.tar.gz");
            assertThat(Files.readAllBytes(p)).isEqualTo(ARCHIVE);
        });
    }

    @Test
    void aWrongMd5FailsSayingBothChecksumsAndLeavesNothingInTheCache() throws Exception {
        String wrong = "0123456789abcdef0123456789abcdef";
        assertThatThrownBy(() -> data().load("cifar10", base + "/cifar-10-binary.tar.gz#md5=" + wrong))
                .isInstanceOf(IOException.class).hasMessageContaining(wrong).hasMessageContaining(md5(ARCHIVE));
        assertThat(filesInCache()).isEmpty();
    }

    @Test
    void theOfficialFileNameWithoutAChecksumMustHaveTheOfficialMd5() throws Exception {
        assertThatThrownBy(() -> data().load("cifar10", base + "/cifar-10-binary.tar.gz"))
                .isInstanceOf(IOException.class).hasMessageContaining(CIFAR10_MD5);
        assertThat(filesInCache()).isEmpty();
    }

    @Test
    void anUnofficialFileNameWithoutAChecksumIsRefusedBeforeDownloading() {
        assertThatThrownBy(() -> data().load("cifar10", base + "/my-cifar.tar.gz"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#md5=");
        assertThat(requests).hasValue(0);
    }

    @Test
    void aDownloadThatBreaksOffFailsAndLeavesNothingInTheCache() throws Exception {
        assertThatThrownBy(() -> data().load("cifar10", base + "/truncated/cifar-10-binary.tar.gz#md5=" + md5(ARCHIVE)))
                .isInstanceOf(IOException.class).hasMessageContaining("broke off");
        assertThat(filesInCache()).isEmpty();
    }

    @Test
    void anUnreachableServerSaysWhereToPutTheArchive() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> data().load("cifar10", "http://127.0.0.1:" + closedPort + "/cifar-10-binary.tar.gz"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(cache.resolve("urls").toString())
                .hasMessageContaining(CIFAR10_MD5);
        assertThat(filesInCache()).isEmpty();
    }

    @Test
    void theDefaultCifarArchiveIsTheOfficialFileInTheCacheDirectory() throws Exception {
        // An archive put there by hand must pass the official MD5 before it is read.
        Files.write(cache.resolve("cifar-10-binary.tar.gz"), ARCHIVE);
        assertThatThrownBy(() -> data().load("cifar10", null)).isInstanceOf(IOException.class)
                .hasMessageContaining(cache.resolve("cifar-10-binary.tar.gz").toString())
                .hasMessageContaining(CIFAR10_MD5).hasMessageContaining(md5(ARCHIVE));
    }

    @Test
    void aFolderItsParentATarGzAndAFileUriGiveTheSameData() throws Exception {
        Path folder = CifarFiles.writeFolder(CifarReader.CIFAR10, local, RECORDS);
        Path archive = Files.write(local.resolve("c10.tar.gz"), ARCHIVE);
        ImageData data = data();
        for (String source : List.of(folder.toString(), local.toString(), archive.toString(), archive.toUri().toString(),
                " " + folder + " ")) {
            assertIsTheGeneratedCifar10(data.load("cifar10", source));
        }
        assertThat(filesInCache()).isEmpty();
    }

    @Test
    void aMissingLocalSourceIsRefusedNamingIt() {
        Path nowhere = local.resolve("nowhere");
        assertThatThrownBy(() -> data().load("cifar100", nowhere.toString())).isInstanceOf(IOException.class)
                .hasMessageContaining(nowhere.toString());
    }

    @Test
    void anUnknownDataSetIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> data().load("mnist", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mnist").hasMessageContaining("cifar10, cifar100, fashion-mnist");
    }

    @Test
    void fashionMnistIsReadOnceFromADirectoryAndNotFromAUrl() throws Exception {
        assertThatThrownBy(() -> data().load("fashion-mnist", base + "/fashion.tar.gz"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("local directory");
        Path dir = Files.createDirectories(local.resolve("fm"));
        writeIdx(dir, "train", 3);
        writeIdx(dir, "t10k", 2);
        ImageData data = data();
        ImageSplit split = data.load("fashion-mnist", dir.toString());
        assertThat(split.train().count()).isEqualTo(3);
        assertThat(split.test().height()).isEqualTo(32);
        assertThat(data.load("fashion-mnist", dir.toString())).isSameAs(split);
    }

    private static void writeIdx(Path dir, String prefix, int count) throws IOException {
        java.nio.ByteBuffer images = java.nio.ByteBuffer.allocate(16 + count * 784).putInt(2051).putInt(count)
                .putInt(28).putInt(28);
        java.nio.ByteBuffer labels = java.nio.ByteBuffer.allocate(8 + count).putInt(2049).putInt(count);
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), labels.array());
    }

    private static String md5(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
    }
}
