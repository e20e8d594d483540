package io.lrsweep.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The S3 store against a real S3 server (S3Proxy on 127.0.0.1) through the MinIO SDK; heap limited to 128 MiB. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ArtifactStoreIT {
    private static final long MIB = 1 << 20;
    private S3ProxyServer s3;

    @BeforeAll
    void startS3() throws Exception {
        s3 = S3ProxyServer.start(Files.createTempDirectory("lrsweep-s3"));
    }

    @AfterAll
    void stopS3() throws Exception {
        try {
            theSecretIsInNoObjectAndNoLog();
        } finally {
            s3.close();
        }
    }

    /** Every object these tests stored (metadata included) and the store's log, read for the S3 secret key. */
    private void theSecretIsInNoObjectAndNoLog() throws IOException {
        java.util.List<Path> files;
        try (var walk = Files.walk(s3.dataDirectory())) {
            files = new java.util.ArrayList<>(walk.filter(Files::isRegularFile).toList());
        }
        assertThat(files).as("objects written by these tests").isNotEmpty();
        files.add(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
        String secret = S3ProxyServer.SECRET_KEY;
        for (Path f : files) {
            if (Files.exists(f)) {
                assertThat(contains(f, secret)).as("the S3 secret in " + f).isFalse();
            }
        }
    }

    /** Whether the file holds {@code text} (ASCII), read in 1 MiB pieces: the heap here is small on purpose. */
    private static boolean contains(Path file, String text) throws IOException {
        int overlap = text.length() - 1;
        byte[] buf = new byte[(int) MIB + overlap];
        int kept = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf, kept, buf.length - kept)) > 0) {
                int len = kept + n;
                if (new String(buf, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text)) {
                    return true;
                }
                kept = Math.min(overlap, len);
                System.arraycopy(buf, len - kept, buf, 0, kept);
            }
        }
        return false;
    }

    private S3ArtifactStore store(String location) throws IOException {
        return (S3ArtifactStore) ArtifactStores.open(location, s3.env());
    }

    /** Deterministic pseudo-random bytes, generated on the fly (never held whole). */
    static Payload generated(long size, long seed) {
        return () -> new InputStream() {
            private long left = size;
            private long state = seed;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    state = state * 6364136223846793005L + 1442695040888963407L;
                    b[off + i] = (byte) (state >>> 56);
                }
                left -= n;
                return n;
            }
        };
    }

    static String sha256Of(InputStream in) throws IOException {
        MessageDigest d = Sha256.newDigest();
        try (InputStream s = new DigestInputStream(in, d)) {
            s.transferTo(OutputStream.nullOutputStream());
        }
        return Sha256.hex(d);
    }

    @Test
    void childrenListOneLevelBelowThePrefixAndModifiedIsTheUploadTime() throws Exception {
        S3ArtifactStore store = store("s3://children/under/prefix");
        Instant before = Instant.now().minusSeconds(5);
        store.put("studies/b/study.json", new byte[1]);
        store.put("studies/a/branches/x/ckpt", new byte[1]);
        store.put("studies/readme.txt", new byte[1]);
        store.put("other/c", new byte[1]);
        assertThat(store.children("studies/")).containsExactly("a/", "b/", "readme.txt");
        assertThat(store.children("")).containsExactly("other/", "studies/");
        assertThat(store.children("missing/")).isEmpty();
        assertThat(store.modified("studies/b/study.json")).hasValueSatisfying(t -> assertThat(t).isAfter(before)
                .isBefore(Instant.now().plusSeconds(5)));
        assertThat(store.modified("studies/none")).isEmpty();
    }

    @Test
    void a200MibObjectRoundTripsWithMatchingSha256InA128MibHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("heap limit of this JVM").isLessThan(200 * MIB);
        S3ArtifactStore store = store("s3://big/checkpoints");
        Payload payload = generated(200 * MIB, 42);
        String expected = sha256Of(payload.open());
        long t0 = System.nanoTime();
        StageDirectory stage = new StageDirectory(store, "studies/s/pretrain");
        StoredObject put = store.put(stage.key("big.ckpt"), payload);
        long t1 = System.nanoTime();
        assertThat(put.size()).isEqualTo(200 * MIB);
        assertThat(put.sha256()).isEqualTo(expected);
        Manifest m = stage.commit("pretrain", "fp", Map.of(), List.of("big.ckpt"), Map.of(), "test");
        long t2 = System.nanoTime();
        try (InputStream in = stage.openVerified(m, "big.ckpt")) {
            assertThat(sha256Of(in)).isEqualTo(expected);
        }
        long t3 = System.nanoTime();
        System.out.printf("200 MiB to S3Proxy: upload %.0f MiB/s, verified download %.0f MiB/s%n",
                200 / ((t1 - t0) / 1e9), 200 / ((t3 - t2) / 1e9));
    }

    @Test
    void fiftySmallCheckpointsRoundTripAndTheirMedianTimesArePrinted() throws Exception {
        S3ArtifactStore store = store("s3://small/p");
        long[] puts = new long[50];
        long[] gets = new long[50];
        for (int i = 0; i < 50; i++) {
            byte[] data = StageDirectoryTest.randomBytes(16_384, i);
            long t0 = System.nanoTime();
            store.put("ckpt-" + i, data);
            long t1 = System.nanoTime();
            assertThat(store.get("ckpt-" + i)).isEqualTo(data);
            gets[i] = System.nanoTime() - t1;
            puts[i] = t1 - t0;
        }
        java.util.Arrays.sort(puts);
        java.util.Arrays.sort(gets);
        // A figure to read, not a bound: Nagle's algorithm on the client's sockets made each PUT ~50 ms.
        System.out.printf("16 KB objects on S3Proxy: PUT median %.1f ms, GET median %.1f ms%n", puts[25] / 1e6,
                gets[25] / 1e6);
    }

    @Test
    void aFlippedByteInAStoredCheckpointIsDetectedOnRead() throws Exception {
        S3ArtifactStore store = store("s3://flip/p");
        StageDirectory stage = new StageDirectory(store, "st");
        byte[] data = StageDirectoryTest.randomBytes(100_000, 3);
        Manifest m = StageDirectoryTest.committed(stage, data);
        Path file = s3.objectFile("flip", "p/st/w.ckpt");
        assertThat(file).exists();
        byte[] stored = Files.readAllBytes(file);
        stored[54_321] ^= 0x01;
        Files.write(file, stored);
        assertThatThrownBy(() -> stage.readVerified(m, "w.ckpt")).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("p/st/w.ckpt".substring(2)).hasMessageContaining("SHA-256");
        Files.write(file, java.util.Arrays.copyOf(stored, 1000));
        assertThatThrownBy(() -> stage.readVerified(m, "w.ckpt")).hasMessageContaining("size 1000");
    }

    @Test
    void anUploadSurvivesTheServerStoppingForSecondsAndNoManifestPointsAtAPartialObject() throws Exception {
        S3ArtifactStore store = store("s3://outage");
        StageDirectory stage = new StageDirectory(store, "st");
        Payload slow = () -> new java.io.FilterInputStream(generated(48 * MIB, 7).open()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    Thread.sleep(2); // ~3 s for the whole object: the outage hits mid-upload
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.read(b, off, Math.min(len, 64 * 1024));
            }
        };
        CompletableFuture<Void> outage = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(1000);
                s3.stop();
                Thread.sleep(3000);
                s3.restart();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long before = store.attempts();
        StoredObject put = store.put(stage.key("big.ckpt"), slow);
        outage.join();
        assertThat(store.attempts() - before).as("the upload was retried").isGreaterThan(1);
        assertThat(put.sha256()).isEqualTo(sha256Of(generated(48 * MIB, 7).open()));
        Manifest m = stage.commit("x", "fp", Map.of(), List.of("big.ckpt"), Map.of(), "test");
        for (StoredObject o : m.objects()) {
            try (InputStream in = stage.openVerified(m, o.key().substring("st/".length()))) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        assertThat(store.list("")).containsExactly("index/fingerprints/fp", "st/MANIFEST.json", "st/big.ckpt");
    }

    @Test
    void aStageIsCopiedVerifiedIntoAnotherStudyAndACorruptSourceFailsTheCopyAtOnce() throws Exception {
        S3ArtifactStore store = store("s3://reuse/p");
        StageDirectory a = new StageDirectory(store, "studies/a/st");
        byte[] data = StageDirectoryTest.randomBytes(100_000, 5);
        Manifest theirs = StageDirectoryTest.committed(a, data);
        StageDirectory b = new StageDirectory(store, "studies/b/st");
        Manifest mine = b.commitCopy(a, theirs);
        assertThat(b.readVerified(mine, "w.ckpt")).isEqualTo(data);
        assertThat(new FingerprintIndex(store).lookup("fp")).contains("studies/b/st");

        Path file = s3.objectFile("reuse", "p/studies/a/st/w.ckpt");
        byte[] stored = Files.readAllBytes(file);
        stored[4321] ^= 0x01;
        Files.write(file, stored);
        StageDirectory c = new StageDirectory(store, "studies/c/st");
        long before = store.attempts();
        assertThatThrownBy(() -> c.commitCopy(a, theirs)).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("studies/a/st/w.ckpt");
        assertThat(store.attempts() - before).as("one download and one upload: a corrupt source is not retried")
                .isEqualTo(2);
        assertThat(store.list("studies/c")).isEmpty();
    }

    @Test
    void uploadsOverlapWithTheStageOnARealServerAndTheManifestComesAfterEveryObject() throws Exception {
        S3ArtifactStore s3store = store("s3://overlap/p");
        GatedStore store = new GatedStore(s3store);
        StageDirectory dir = new StageDirectory(store, "st");
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < BackgroundWrites.MAX_PENDING; i++) {
            dir.writeInBackground("w-" + i + ".ckpt", StageDirectoryTest.randomBytes(50_000, i));
            names.add("w-" + i + ".ckpt");
        }
        // The caller went on; every upload has started and is held before the server sees it.
        for (int i = 0; i < BackgroundWrites.MAX_PENDING; i++) {
            store.nextStarted();
        }
        assertThat(s3store.list("st")).isEmpty();
        store.open();
        Manifest m = dir.commit("x", "fp-overlap", Map.of(), names, Map.of(), "test");
        assertThat(store.maxInFlight()).isEqualTo(BackgroundWrites.MAX_PENDING);
        assertThat(store.stored.subList(0, names.size())).allMatch(k -> k.startsWith("st/w-"));
        assertThat(store.stored.subList(names.size(), store.stored.size())).containsExactly("st/MANIFEST.json",
                "index/fingerprints/fp-overlap");
        try (ReadAhead ahead = dir.readAhead(m, names, 1 << 20)) {
            for (int i = 0; i < names.size(); i++) {
                assertThat(ahead.read(new ReadAhead.Item(dir, m, names.get(i))))
                        .isEqualTo(StageDirectoryTest.randomBytes(50_000, i));
            }
        }
    }

    @Test
    void anUploadThatFailsOnARealServerFailsTheCommitAndNoManifestIsWritten() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(s3.env());
        env.put(S3Settings.MAX_ATTEMPTS, "2");
        env.put(S3Settings.RETRY_INITIAL_MS, "100");
        env.put(S3Settings.RETRY_MAX_MS, "100");
        S3ArtifactStore store = (S3ArtifactStore) ArtifactStores.open("s3://failing/p", env);
        StageDirectory dir = new StageDirectory(store, "st");
        dir.write("before.ckpt", new byte[] {1});
        s3.stop();
        try {
            dir.writeInBackground("during.ckpt", new byte[] {2});
            assertThatThrownBy(() -> dir.commit("x", "fp-failing", Map.of(), List.of("before.ckpt", "during.ckpt"),
                    Map.of(), "test")).isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("st/during.ckpt").hasMessageContaining("failed after 2 attempts");
        } finally {
            s3.restart();
        }
        assertThat(dir.manifest()).isEmpty();
        assertThat(store.list("")).containsExactly("st/before.ckpt");
    }

    @Test
    void manifestsAndObjectsOfManyStagesTakeOneRequestEachAndAFlippedObjectIsCaughtAtItsRead() throws Exception {
        S3ArtifactStore store = store("s3://many/p");
        List<StageDirectory> dirs = new java.util.ArrayList<>();
        List<Manifest> manifests = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            StageDirectory d = new StageDirectory(store, "s/" + i);
            d.write("point.ckpt", StageDirectoryTest.randomBytes(10_000, i));
            manifests.add(d.commit("x", "fp-many-" + i, Map.of(), List.of("point.ckpt"), Map.of(), "test"));
            dirs.add(d);
        }
        byte[] flipped = Files.readAllBytes(s3.objectFile("many", "p/s/7/point.ckpt"));
        flipped[1] ^= 1;
        Files.write(s3.objectFile("many", "p/s/7/point.ckpt"), flipped);
        long before = store.attempts();
        List<java.util.Optional<Manifest>> read = StageDirectory.manifests(dirs);
        assertThat(read).allMatch(java.util.Optional::isPresent);
        assertThat(store.attempts() - before).as("one request per manifest, no existence checks").isEqualTo(12);
        List<ReadAhead.Item> items = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            items.add(new ReadAhead.Item(dirs.get(i), read.get(i).orElseThrow(), "point.ckpt"));
        }
        before = store.attempts();
        try (ReadAhead ahead = ReadAhead.of(items, 1 << 20)) {
            for (int i = 0; i < 12; i++) {
                ReadAhead.Item item = items.get(i);
                if (i == 7) {
                    assertThatThrownBy(() -> ahead.read(item)).isInstanceOf(CorruptObjectException.class)
                            .hasMessageContaining("s/7/point.ckpt");
                } else {
                    assertThat(ahead.read(item)).isEqualTo(StageDirectoryTest.randomBytes(10_000, i));
                }
            }
        }
        assertThat(store.attempts() - before).as("one request per object").isEqualTo(12);
    }

    @Test
    void wrongCredentialsGiveOneClearErrorWithoutRetriesAndWriteNothing() throws Exception {
        store("s3://creds");
        Map<String, String> env = new java.util.HashMap<>(s3.env());
        env.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");
        S3ArtifactStore wrong = new S3ArtifactStore(S3Settings.of("s3://creds/p", env));
        assertThatThrownBy(wrong::ensureBucket).isInstanceOf(StoreFailure.class)
                .hasMessageContaining("s3://creds/p").hasMessageNotContaining("not-the-secret");
        assertThat(wrong.attempts()).isEqualTo(1);
        assertThatThrownBy(() -> wrong.put("a/b", new byte[] {1})).isInstanceOf(StoreFailure.class)
                .hasMessageMatching("(?s).*(SignatureDoesNotMatch|InvalidAccessKeyId|AccessDenied).*");
        assertThat(wrong.attempts()).isEqualTo(2);
        assertThat(store("s3://creds").list("")).isEmpty();
        assertThat(S3Settings.of("s3://creds/p", env).toString()).doesNotContain("not-the-secret");
    }

    @Test
    void aMissingBucketIsReportedUnlessCreationIsAllowed() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(s3.env());
        env.remove(S3Settings.CREATE_BUCKET);
        assertThatThrownBy(() -> ArtifactStores.open("s3://absent/x", env)).isInstanceOf(StoreFailure.class)
                .hasMessageContaining("bucket 'absent' does not exist").hasMessageContaining(S3Settings.CREATE_BUCKET);
        assertThat(store("s3://created/x").list("")).isEmpty();
    }

    @Test
    void keysThatWouldEscapeThePrefixAreRefusedBeforeAnyRequest() throws Exception {
        S3ArtifactStore store = store("s3://keys/prefix");
        long before = store.attempts();
        for (String bad : List.of("../other", "a/../../b", "/abs", "a\u0007b", "x".repeat(600))) {
            assertThatThrownBy(() -> store.put(bad, new byte[1])).as(bad).isInstanceOf(StoreKeys.InvalidKeyException.class);
        }
        assertThat(store.attempts()).isEqualTo(before);
    }

    @Test
    void aDataSetInABucketIsDownloadedOnceVerifiedAndAMismatchIsNeverUsed() throws Exception {
        S3ArtifactStore bucket = store("s3://datasets");
        byte[] archive = new byte[3 << 20];
        new java.util.Random(5).nextBytes(archive);
        bucket.put("cifar/cifar-10-binary.tar.gz", archive);
        bucket.put("cifar/cifar-10-binary.tar.gz.sha256", (Sha256.hex(archive) + "  cifar-10-binary.tar.gz\n").getBytes());
        Path cacheDir = Files.createTempDirectory("lrsweep-datasets");
        DatasetCache cache = new DatasetCache(cacheDir, s3.env());
        Path local = cache.fetch("s3://datasets/cifar/cifar-10-binary.tar.gz", null);
        assertThat(Files.readAllBytes(local)).isEqualTo(archive);
        assertThat(cache.fetch("s3://datasets/cifar/cifar-10-binary.tar.gz", null)).isEqualTo(local);
        DatasetCache secondWorkerProcess = new DatasetCache(cacheDir, s3.env());
        assertThat(secondWorkerProcess.fetch("s3://datasets/cifar/cifar-10-binary.tar.gz", Sha256.hex(archive)))
                .isEqualTo(local);
        assertThat(cache.downloads() + secondWorkerProcess.downloads()).as("downloaded once").isEqualTo(1);

        bucket.put("cifar/bad.tar.gz", archive);
        assertThatThrownBy(() -> cache.fetch("s3://datasets/cifar/bad.tar.gz", "00".repeat(32)))
                .isInstanceOf(CorruptObjectException.class).hasMessageContaining("s3://datasets/cifar/bad.tar.gz");
        try (var files = Files.walk(cacheDir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("bad"))).isEmpty();
        }
        assertThatThrownBy(() -> cache.fetch("s3://datasets/cifar/bad.tar.gz", null)).hasMessageContaining("no checksum");
    }

    @Test
    void theS3StoreBehavesLikeTheFilesystemStore() throws Exception {
        S3ArtifactStore store = store("s3://same/pre/fix");
        store.put("s/b/2", new byte[] {2});
        store.put("s/a/1", new byte[] {1});
        store.put("t/1", new byte[] {3, 3});
        assertThat(store.list("s")).containsExactly("s/a/1", "s/b/2");
        assertThat(store.list("")).containsExactly("s/a/1", "s/b/2", "t/1");
        assertThat(store.get("t/1")).containsExactly(3, 3);
        assertThat(store.size("t/1")).contains(2L);
        assertThat(store.size("t/none")).isEmpty();
        assertThatThrownBy(() -> store.open("t/none")).isInstanceOf(java.nio.file.NoSuchFileException.class);
        store.delete("s/a/1");
        store.delete("s/a/1");
        assertThat(store.list("s")).containsExactly("s/b/2");
        assertThat(store.describe()).isEqualTo("s3://same/pre/fix at " + s3.endpoint());
    }
}
