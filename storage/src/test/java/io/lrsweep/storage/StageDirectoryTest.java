package io.lrsweep.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageDirectoryTest {
    @TempDir
    Path root;

    @Test
    void aStageWithObjectsButNoManifestIsUnfinished() throws IOException {
        StageDirectory dir = new StageDirectory(new FileSystemArtifactStore(root), "studies/s/pretrain");
        dir.write("epoch-0001.ckpt", new byte[] {1, 2});
        assertThat(dir.manifest()).isEmpty();
    }

    @Test
    void aTruncatedManifestCountsAsUnfinished() throws IOException {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        StageDirectory dir = new StageDirectory(store, "studies/s/finetune");
        dir.write("final.ckpt", new byte[] {4, 5});
        dir.commit("finetune", "fp", Map.of(), List.of("final.ckpt"), Map.of(), "test");
        byte[] whole = store.get("studies/s/finetune/MANIFEST.json");
        store.put("studies/s/finetune/MANIFEST.json", java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThat(dir.manifest()).isEmpty();
    }

    @Test
    void theManifestListsEveryObjectWithSizeAndSha256AndIsWrittenLast() throws IOException {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        StageDirectory dir = new StageDirectory(store, "studies/s/pretrain");
        dir.write("a.ckpt", new byte[] {1, 2, 3});
        dir.write("b.json", "{}".getBytes());
        Manifest m = dir.commit("pretrain", "fp1", Map.of("plr", 0.01), List.of("a.ckpt", "b.json"),
                Map.of("testAccuracy", 0.8), "test");
        assertThat(m.objects()).extracting(StoredObject::key)
                .containsExactly("studies/s/pretrain/a.ckpt", "studies/s/pretrain/b.json");
        assertThat(m.object("studies/s/pretrain/a.ckpt").orElseThrow().sha256()).isEqualTo(Sha256.hex(new byte[] {1, 2, 3}));
        Manifest read = dir.manifest().orElseThrow();
        assertThat(read.fingerprint()).isEqualTo("fp1");
        assertThat(read.metrics()).containsEntry("testAccuracy", 0.8);
        assertThat(dir.readVerified(read, "a.ckpt")).containsExactly(1, 2, 3);
        assertThat(Files.getLastModifiedTime(store.pathOf("studies/s/pretrain/MANIFEST.json")))
                .isGreaterThanOrEqualTo(Files.getLastModifiedTime(store.pathOf("studies/s/pretrain/a.ckpt")));
    }

    @Test
    void aFlippedByteATruncationOrAMissingObjectIsDetectedOnRead() throws IOException {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        StageDirectory dir = new StageDirectory(store, "st");
        byte[] data = randomBytes(4096, 1);
        Manifest m = committed(dir, data);

        byte[] flipped = data.clone();
        flipped[1234] ^= 0x10;
        Files.write(store.pathOf("st/w.ckpt"), flipped);
        assertThatThrownBy(() -> dir.readVerified(m, "w.ckpt")).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("st/w.ckpt").hasMessageContaining("SHA-256");

        Files.write(store.pathOf("st/w.ckpt"), java.util.Arrays.copyOf(data, 100));
        assertThatThrownBy(() -> dir.readVerified(m, "w.ckpt")).hasMessageContaining("size 100");

        Files.delete(store.pathOf("st/w.ckpt"));
        assertThatThrownBy(() -> dir.readVerified(m, "w.ckpt")).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> dir.readVerified(m, "other.ckpt")).hasMessageContaining("not listed");
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new java.util.Random(seed).nextBytes(data);
        return data;
    }

    /** Commits {@code data} as the one object {@code w.ckpt} of {@code dir}, fingerprint "fp". */
    static Manifest committed(StageDirectory dir, byte[] data) throws IOException {
        dir.write("w.ckpt", data);
        return dir.commit("x", "fp", Map.of(), List.of("w.ckpt"), Map.of(), "test");
    }

    @Test
    void aSecondCommitOfTheSameObjectsKeepsTheFirstManifestAndTheContentHashIgnoresTime() throws Exception {
        StageDirectory dir = new StageDirectory(new FileSystemArtifactStore(root), "st");
        dir.write("a", new byte[] {9});
        Manifest first = dir.commit("x", "fp", Map.of(), List.of("a"), Map.of("run", 1), "test");
        Thread.sleep(5);
        Manifest second = dir.commit("x", "fp", Map.of(), List.of("a"), Map.of("run", 2), "test");
        assertThat(second).isEqualTo(first);
        assertThat(dir.manifest().orElseThrow().metrics()).containsEntry("run", 1);
        Manifest later = new Manifest(first.format(), first.stage(), first.fingerprint(), first.inputs(), first.objects(),
                Map.of("run", 3), "other", "2030-01-01T00:00:00Z");
        assertThat(later.contentHash("st")).isEqualTo(first.contentHash("st"));
        dir.write("a", new byte[] {8});
        Manifest changed = dir.commit("x", "fp", Map.of(), List.of("a"), Map.of("run", 4), "test");
        assertThat(changed.contentHash("st")).isNotEqualTo(first.contentHash("st"));
        assertThat(dir.manifest().orElseThrow().metrics()).containsEntry("run", 4);
    }

    @Test
    void anUnparseableManifestCountsAsUnfinished() throws IOException {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        store.put("st/MANIFEST.json", "{\"format\": 1, \"stage\"".getBytes());
        assertThat(new StageDirectory(store, "st").manifest()).isEmpty();
    }

    @Test
    void fingerprintsIgnoreKeyOrderButNotValues() {
        var a = new java.util.LinkedHashMap<String, Object>();
        a.put("plr", 0.01);
        a.put("seed", 1);
        var b = new java.util.LinkedHashMap<String, Object>();
        b.put("seed", 1);
        b.put("plr", 0.01);
        assertThat(Fingerprint.of(a)).isEqualTo(Fingerprint.of(b)).hasSize(64);
        b.put("seed", 2);
        assertThat(Fingerprint.of(a)).isNotEqualTo(Fingerprint.of(b));
    }

    /** A filesystem store that counts the objects it opens for reading and records the keys it stored, in order. */
    private static final class CountingStore extends ForwardingStore {
        // Synchronized: background writes and reads ahead call from several threads.
        final List<String> opened = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> stored = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile String refuse = "";
        volatile boolean full;

        CountingStore(Path root) throws IOException {
            super(new FileSystemArtifactStore(root));
        }

        @Override
        public StoredObject put(String key, Payload data) throws IOException {
            if (key.equals(refuse)) {
                throw full ? new StoreFullException("the store is full while writing " + key, null)
                        : new IOException("refused " + key);
            }
            StoredObject o = super.put(key, data);
            stored.add(key);
            return o;
        }

        @Override
        public InputStream open(String key) throws IOException {
            opened.add(key);
            return super.open(key);
        }
    }

    @Test
    void commitListsWhatThisDirectoryWroteWithoutReadingItBackAndHashesWhatAnEarlierAttemptWrote()
            throws IOException {
        CountingStore store = new CountingStore(root);
        new StageDirectory(store, "st").write("earlier.ckpt", new byte[] {7});
        StageDirectory dir = new StageDirectory(store, "st");
        dir.write("a.ckpt", new byte[] {1, 2, 3});
        store.opened.clear();
        Manifest m = dir.commit("x", "fp", Map.of(), List.of("a.ckpt", "earlier.ckpt"), Map.of(), "test");
        assertThat(store.opened).doesNotContain("st/a.ckpt").contains("st/earlier.ckpt");
        assertThat(m.object("st/a.ckpt").orElseThrow()).isEqualTo(new StoredObject("st/a.ckpt", 3,
                Sha256.hex(new byte[] {1, 2, 3})));
        assertThat(m.object("st/earlier.ckpt").orElseThrow().sha256()).isEqualTo(Sha256.hex(new byte[] {7}));
    }

    @Test
    void backgroundWritesOfOneNameLandInOrderAndTheCommitWaitsForAllOfThem() throws IOException {
        CountingStore store = new CountingStore(root);
        StageDirectory dir = new StageDirectory(store, "st");
        List<Long> resumeSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 1; i <= 20; i++) {
            dir.writeInBackground("resume.ckpt", new byte[i], (o, nanos) -> resumeSizes.add(o.size()));
            dir.writeInBackground("w-" + i + ".ckpt", new byte[] {(byte) i}, (o, nanos) -> { });
        }
        List<String> names = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "w-" + i + ".ckpt").toList();
        Manifest m = dir.commit("x", "fp", Map.of(), names, Map.of(), "test");
        assertThat(m.object("st/w-20.ckpt").orElseThrow().sha256()).isEqualTo(Sha256.hex(new byte[] {20}));
        assertThat(store.stored).as("every checkpoint of its own name").filteredOn(k -> k.startsWith("st/w-"))
                .hasSize(20);
        // Versions of resume.ckpt still waiting when a newer one came were dropped; those stored went in order.
        assertThat(resumeSizes).isSorted().endsWith(20L);
        assertThat(store.get("st/resume.ckpt")).hasSize(20);
        assertThat(store.stored.indexOf("st/MANIFEST.json")).as("the manifest after every object")
                .isEqualTo(store.stored.size() - 2);
    }

    @Test
    void severalUploadsRunAtOnceWhileTheCallerGoesOnAndTheManifestComesAfterAllOfThem() throws Exception {
        GatedStore store = new GatedStore(new FileSystemArtifactStore(root));
        StageDirectory dir = new StageDirectory(store, "st");
        for (int i = 1; i <= BackgroundWrites.MAX_PENDING; i++) {
            dir.writeInBackground("w-" + i + ".ckpt", new byte[] {(byte) i});
        }
        // The caller got here with nothing stored yet: every upload is held at the gate, all in flight.
        java.util.Set<String> started = new java.util.HashSet<>();
        for (int i = 1; i <= BackgroundWrites.MAX_PENDING; i++) {
            started.add(store.nextStarted());
        }
        assertThat(started).hasSize(BackgroundWrites.MAX_PENDING);
        assertThat(store.stored).isEmpty();
        store.open();
        List<String> names = List.of("w-1.ckpt", "w-2.ckpt", "w-3.ckpt", "w-4.ckpt");
        Manifest m = dir.commit("x", "fp", Map.of(), names, Map.of(), "test");
        assertThat(m.objects()).hasSize(4);
        assertThat(store.stored.subList(0, 4)).containsExactlyInAnyOrder("st/w-1.ckpt", "st/w-2.ckpt", "st/w-3.ckpt",
                "st/w-4.ckpt");
        assertThat(store.stored.subList(4, store.stored.size())).containsExactly("st/MANIFEST.json",
                "index/fingerprints/fp");
    }

    @Test
    void noMoreThanTheLimitIsHeldAndTheWriterWaitsMeanwhile() throws Exception {
        GatedStore store = new GatedStore(new FileSystemArtifactStore(root));
        StageDirectory dir = new StageDirectory(store, "st");
        int writes = 3 * BackgroundWrites.MAX_PENDING;
        java.util.concurrent.atomic.AtomicInteger submitted = new java.util.concurrent.atomic.AtomicInteger();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < writes; i++) {
                    dir.writeInBackground("w-" + i + ".ckpt", new byte[] {(byte) i});
                    submitted.incrementAndGet();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        int limit = BackgroundWrites.MAX_PENDING;
        for (int i = 0; i < limit; i++) {
            store.nextStarted();
        }
        // As many uploads in flight as may be held, none through: the writer waits with the next one.
        assertThat(submitted.get()).isLessThanOrEqualTo(limit);
        for (int released = 1; released <= writes - limit; released++) {
            store.letOneThrough();
            store.nextStarted();
            assertThat(submitted.get()).isLessThanOrEqualTo(released + limit);
        }
        store.open();
        writer.join();
        dir.awaitWrites();
        assertThat(store.maxInFlight()).isEqualTo(limit);
        assertThat(store.stored).hasSize(writes);
    }

    @Test
    void aResumeCheckpointSupersededWhileWaitingIsNeverUploadedAndTheLastOneLands() throws Exception {
        GatedStore store = new GatedStore(new FileSystemArtifactStore(root));
        StageDirectory dir = new StageDirectory(store, "st");
        dir.writeInBackground("resume.ckpt", new byte[1]);
        assertThat(store.nextStarted()).isEqualTo("st/resume.ckpt");
        // While the first upload is held, two newer versions come: the second waits, the third replaces it.
        dir.writeInBackground("resume.ckpt", new byte[2]);
        dir.writeInBackground("resume.ckpt", new byte[3]);
        store.open();
        dir.awaitWrites();
        assertThat(store.stored).containsExactly("st/resume.ckpt", "st/resume.ckpt");
        assertThat(store.get("st/resume.ckpt")).hasSize(3);
    }

    @Test
    void readAheadGivesEachObjectVerifiedInAnyOrderAndFetchesWithinItsBudget() throws Exception {
        CountingStore store = new CountingStore(root);
        StageDirectory dir = new StageDirectory(store, "st");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            dir.write("p-" + i, randomBytes(100, i));
            names.add("p-" + i);
        }
        Manifest m = dir.commit("x", "fp", Map.of(), names, Map.of(), "test");
        store.opened.clear();
        try (ReadAhead ahead = dir.readAhead(m, names, 1)) {
            for (int i = 0; i < 6; i++) {
                assertThat(ahead.read(new ReadAhead.Item(dir, m, "p-" + i))).isEqualTo(randomBytes(100, i));
                // A budget smaller than one object: one fetched ahead of what was taken, never more.
                assertThat(store.opened.size()).isLessThanOrEqualTo(i + 2);
            }
        }
        assertThat(store.opened).hasSize(6);
        try (ReadAhead ahead = dir.readAhead(m, names, 1 << 20)) {
            assertThat(ahead.read(new ReadAhead.Item(dir, m, "p-5"))).isEqualTo(randomBytes(100, 5));
            assertThat(ahead.read(new ReadAhead.Item(dir, m, "p-0"))).isEqualTo(randomBytes(100, 0));
        }
    }

    @Test
    void readAheadReportsAFlippedOrMissingObjectAtItsOwnReadAndTheOthersStillRead() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        StageDirectory dir = new StageDirectory(store, "st");
        List<String> names = List.of("a", "b", "c");
        for (String n : names) {
            dir.write(n, randomBytes(1000, n.charAt(0)));
        }
        Manifest m = dir.commit("x", "fp", Map.of(), names, Map.of(), "test");
        byte[] flipped = randomBytes(1000, 'b');
        flipped[500] ^= 1;
        Files.write(store.pathOf("st/b"), flipped);
        Files.delete(store.pathOf("st/c"));
        try (ReadAhead ahead = dir.readAhead(m, names, 1 << 20)) {
            assertThat(ahead.read(new ReadAhead.Item(dir, m, "a"))).isEqualTo(randomBytes(1000, 'a'));
            assertThatThrownBy(() -> ahead.read(new ReadAhead.Item(dir, m, "b")))
                    .isInstanceOf(CorruptObjectException.class).hasMessageContaining("st/b")
                    .hasMessageContaining("SHA-256");
            assertThatThrownBy(() -> ahead.read(new ReadAhead.Item(dir, m, "c")))
                    .isInstanceOf(CorruptObjectException.class).hasMessageContaining("missing");
        }
    }

    @Test
    void manifestsOfSeveralDirectoriesAreReadTogetherAndAnAbsentOneIsEmpty() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        List<StageDirectory> dirs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            StageDirectory d = new StageDirectory(store, "s/" + i);
            if (i != 3) {
                d.write("o", new byte[] {(byte) i});
                d.commit("x", "fp" + i, Map.of(), List.of("o"), Map.of(), "test");
            }
            dirs.add(d);
        }
        List<Optional<Manifest>> read = StageDirectory.manifests(dirs);
        assertThat(read).hasSize(5);
        assertThat(read.get(3)).isEmpty();
        assertThat(read.get(4)).hasValueSatisfying(m -> assertThat(m.fingerprint()).isEqualTo("fp4"));
        assertThat(read.get(0)).hasValueSatisfying(m -> assertThat(m.fingerprint()).isEqualTo("fp0"));
    }

    @Test
    void aFailedBackgroundWriteFailsTheCommitAndNoManifestIsWritten() throws IOException {
        CountingStore store = new CountingStore(root);
        store.refuse = "st/b.ckpt";
        StageDirectory dir = new StageDirectory(store, "st");
        dir.writeInBackground("a.ckpt", new byte[] {1}, (o, nanos) -> { });
        dir.writeInBackground("b.ckpt", new byte[] {2}, (o, nanos) -> { });
        assertThatThrownBy(() -> dir.commit("x", "fp", Map.of(), List.of("a.ckpt", "b.ckpt"), Map.of(), "test"))
                .isInstanceOf(IOException.class).hasMessageContaining("refused st/b.ckpt");
        assertThat(dir.manifest()).isEmpty();
    }

    @Test
    void aBackgroundWriteToAFullStoreFailsTheCommitAsStoreFull() throws IOException {
        CountingStore store = new CountingStore(root);
        store.refuse = "st/a.ckpt";
        store.full = true;
        StageDirectory dir = new StageDirectory(store, "st");
        dir.writeInBackground("a.ckpt", new byte[] {1}, (o, nanos) -> { });
        // A full store fails the task at once (no retries), which its worker decides by this type.
        assertThatThrownBy(() -> dir.commit("x", "fp", Map.of(), List.of("a.ckpt"), Map.of(), "test"))
                .isInstanceOf(StoreFullException.class).hasMessageContaining("full while writing st/a.ckpt");
        assertThat(dir.manifest()).isEmpty();
    }

    @Test
    void aCommitNamesItsDirectoryInTheFingerprintIndexOnlyAfterTheManifestIsWritten() throws IOException {
        CountingStore store = new CountingStore(root);
        StageDirectory dir = new StageDirectory(store, "studies/a/pretrain");
        dir.write("a.ckpt", new byte[] {1});
        dir.commit("pretrain", "fp1", Map.of(), List.of("a.ckpt"), Map.of(), "test");
        assertThat(store.stored).containsExactly("studies/a/pretrain/a.ckpt", "studies/a/pretrain/MANIFEST.json",
                "index/fingerprints/fp1");
        assertThat(new FingerprintIndex(store).lookup("fp1")).contains("studies/a/pretrain");
        assertThat(new FingerprintIndex(store).lookup("fp2")).isEmpty();
    }

    @Test
    void anUnreadableOrEscapingIndexEntryCountsAsNoEntry() throws IOException {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        FingerprintIndex index = new FingerprintIndex(store);
        store.put("index/fingerprints/garbled", "{\"prefix\": ".getBytes());
        store.put("index/fingerprints/escaping", "{\"prefix\": \"../outside\"}".getBytes());
        store.put("index/fingerprints/empty", "{}".getBytes());
        assertThat(index.lookup("garbled")).isEmpty();
        assertThat(index.lookup("escaping")).isEmpty();
        assertThat(index.lookup("empty")).isEmpty();
        assertThatThrownBy(() -> index.lookup("../x")).isInstanceOf(StoreKeys.InvalidKeyException.class);
    }

    @Test
    void aCopiedStageIsByteIdenticalListedUnderItsOwnDirectoryAndHasTheSameContentHash() throws IOException {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        StageDirectory a = new StageDirectory(store, "studies/a/report");
        a.write("figures/f.png", new byte[] {1, 2, 3});
        a.write("results.json", "{}".getBytes());
        Manifest theirs = a.commit("report", "fp", Map.of("plr", 0.1), List.of("figures/f.png", "results.json"),
                Map.of("testAccuracy", 0.5), "v1");
        StageDirectory b = new StageDirectory(store, "studies/b/report");
        Manifest mine = b.commitCopy(a, theirs);
        assertThat(mine.objects()).extracting(StoredObject::key)
                .containsExactly("studies/b/report/figures/f.png", "studies/b/report/results.json");
        assertThat(b.manifest()).contains(mine);
        assertThat(b.readVerified(mine, "figures/f.png")).containsExactly(1, 2, 3);
        assertThat(store.get("studies/b/report/results.json")).isEqualTo(store.get("studies/a/report/results.json"));
        assertThat(mine.fingerprint()).isEqualTo("fp");
        assertThat(mine.inputs()).isEqualTo(theirs.inputs());
        assertThat(mine.metrics()).isEqualTo(theirs.metrics());
        assertThat(mine.contentHash(b.prefix())).as("what downstream fingerprints record, the same in both studies")
                .isEqualTo(theirs.contentHash(a.prefix()));
        assertThat(new FingerprintIndex(store).lookup("fp")).contains("studies/b/report");
    }

    @Test
    void aCopyFromAFlippedOrMissingSourceObjectFailsAndCommitsNothing() throws IOException {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        StageDirectory a = new StageDirectory(store, "studies/a/st");
        byte[] data = randomBytes(4096, 2);
        Manifest theirs = committed(a, data);
        data[100] ^= 0x01;
        Files.write(store.pathOf("studies/a/st/w.ckpt"), data);
        StageDirectory b = new StageDirectory(store, "studies/b/st");
        assertThatThrownBy(() -> b.commitCopy(a, theirs)).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("studies/a/st/w.ckpt").hasMessageContaining("SHA-256");
        Files.delete(store.pathOf("studies/a/st/w.ckpt"));
        assertThatThrownBy(() -> b.commitCopy(a, theirs)).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("missing");
        assertThat(store.list("studies/b")).as("no manifest, and no corrupt copy").isEmpty();
        assertThat(new FingerprintIndex(store).lookup("fp")).contains("studies/a/st");
    }
}
