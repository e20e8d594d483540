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
    private static final class CountingStore implements ArtifactStore {
        final List<String> opened = new ArrayList<>();
        final List<String> stored = new ArrayList<>();
        String refuse = "";
        boolean full;
        private final FileSystemArtifactStore files;

        CountingStore(Path root) throws IOException {
            files = new FileSystemArtifactStore(root);
        }

        @Override
        public StoredObject put(String key, Payload data) throws IOException {
            if (key.equals(refuse)) {
                throw full ? new StoreFullException("the store is full while writing " + key, null)
                        : new IOException("refused " + key);
            }
            StoredObject o = files.put(key, data);
            stored.add(key);
            return o;
        }

        @Override
        public InputStream open(String key) throws IOException {
            opened.add(key);
            return files.open(key);
        }

        @Override
        public Optional<Long> size(String key) throws IOException {
            return files.size(key);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return files.list(prefix);
        }

        @Override
        public void delete(String key) throws IOException {
            files.delete(key);
        }

        @Override
        public String describe() {
            return files.describe();
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
    void backgroundWritesLandInOrderAndTheCommitWaitsForThem() throws IOException {
        CountingStore store = new CountingStore(root);
        StageDirectory dir = new StageDirectory(store, "st");
        List<Long> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 1; i <= 20; i++) {
            dir.writeInBackground("resume.ckpt", new byte[i], (o, nanos) -> sizes.add(o.size()));
            dir.writeInBackground("w-" + i + ".ckpt", new byte[] {(byte) i}, (o, nanos) -> sizes.add(o.size()));
        }
        Manifest m = dir.commit("x", "fp", Map.of(), List.of("w-1.ckpt", "w-20.ckpt"), Map.of(), "test");
        assertThat(sizes).hasSize(40);
        assertThat(m.object("st/w-20.ckpt").orElseThrow().sha256()).isEqualTo(Sha256.hex(new byte[] {20}));
        assertThat(store.get("st/resume.ckpt")).hasSize(20);
        assertThat(dir.manifest()).isPresent();
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
