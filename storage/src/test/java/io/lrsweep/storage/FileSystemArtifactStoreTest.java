package io.lrsweep.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemArtifactStoreTest {
    @TempDir
    Path root;

    @Test
    void putReturnsSizeAndSha256AndGetReturnsTheBytes() throws IOException {
        ArtifactStore store = new FileSystemArtifactStore(root);
        byte[] data = "hello sphere".getBytes(StandardCharsets.UTF_8);
        StoredObject o = store.put("a/b/c.bin", data);
        assertThat(o.size()).isEqualTo(data.length);
        assertThat(o.sha256()).isEqualTo(Sha256.hex(data));
        assertThat(store.get("a/b/c.bin")).containsExactly(data);
        assertThat(store.size("a/b/c.bin")).contains((long) data.length);
        assertThat(store.exists("a/b/missing")).isFalse();
    }

    @Test
    void childrenAreTheNamesOneLevelDownFoldersWithASlashAndAsTheWalkingDefaultSaysThem() throws IOException {
        ArtifactStore store = new FileSystemArtifactStore(root);
        store.put("studies/b/study.json", new byte[1]);
        store.put("studies/a/branches/x/ckpt", new byte[1]);
        store.put("studies/readme.txt", new byte[1]);
        store.put("other/c", new byte[1]);
        assertThat(store.children("studies/")).containsExactly("a/", "b/", "readme.txt");
        assertThat(store.children("studies")).containsExactly("a/", "b/", "readme.txt");
        assertThat(store.children("")).containsExactly("other/", "studies/");
        assertThat(store.children("missing/")).isEmpty();
        ArtifactStore walking = new ArtifactStore() {
            public StoredObject put(String key, Payload data) {
                throw new UnsupportedOperationException();
            }

            public InputStream open(String key) throws IOException {
                return store.open(key);
            }

            public Optional<Long> size(String key) throws IOException {
                return store.size(key);
            }

            public List<String> list(String prefix) throws IOException {
                return store.list(prefix);
            }

            public void delete(String key) {
            }

            public String describe() {
                return "walking";
            }
        };
        assertThat(walking.children("studies/")).isEqualTo(store.children("studies/"));
    }

    @Test
    void modifiedIsTheTimeTheObjectWasWritten() throws IOException {
        ArtifactStore store = new FileSystemArtifactStore(root);
        Instant before = Instant.now().minusSeconds(2);
        store.put("a/b", new byte[1]);
        assertThat(store.modified("a/b")).hasValueSatisfying(t -> assertThat(t).isAfter(before)
                .isBefore(Instant.now().plusSeconds(2)));
        assertThat(store.modified("a/missing")).isEmpty();
    }

    @Test
    void sha256MatchesAKnownDigest() {
        assertThat(Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void aFailedPutLeavesNeitherTheTargetNorATemporaryFile() throws IOException {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        store.put("k/x", new byte[] {1, 2, 3});
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 1000) {
                    throw new IOException("connection lost");
                }
                return 7;
            }
        };
        assertThatThrownBy(() -> store.put("k/x", () -> failing)).hasMessageContaining("connection lost");
        assertThat(store.get("k/x")).as("the old object is untouched").containsExactly(1, 2, 3);
        try (var files = Files.list(root.resolve(".incoming"))) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(store.list("")).containsExactly("k/x");
    }

    @Test
    void listIsRecursiveSortedAndDeleteIsIdempotent() throws IOException {
        ArtifactStore store = new FileSystemArtifactStore(root);
        store.put("s/b/2", new byte[1]);
        store.put("s/a/1", new byte[1]);
        store.put("t/1", new byte[1]);
        assertThat(store.list("s")).containsExactly("s/a/1", "s/b/2");
        assertThat(store.list("s/")).containsExactly("s/a/1", "s/b/2");
        assertThat(store.list("nothing")).isEmpty();
        store.delete("s/a/1");
        store.delete("s/a/1");
        assertThat(store.list("s")).containsExactly("s/b/2");
        assertThatThrownBy(() -> store.open("s/a/1")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void keysThatWouldEscapeThePrefixAreRefused() throws IOException {
        ArtifactStore store = new FileSystemArtifactStore(root);
        for (String bad : List.of("../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "a\\b", "a/b\u0000c", "",
                "x".repeat(600))) {
            assertThatThrownBy(() -> store.put(bad, new byte[1])).as(bad)
                    .isInstanceOf(StoreKeys.InvalidKeyException.class);
        }
        assertThatThrownBy(() -> StoreKeys.requireValidName("a/b")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> StoreKeys.requireValidName("..")).hasMessageContaining("'..'");
        assertThat(StoreKeys.requireValidName("study-1")).isEqualTo("study-1");
    }

    @Test
    void storesAreOpenedByLocation() throws IOException {
        assertThat(ArtifactStores.open(root.toString())).isInstanceOf(FileSystemArtifactStore.class);
        assertThat(ArtifactStores.open(root.toUri().toString()).describe()).isEqualTo(root.toUri().toString());
        assertThatThrownBy(() -> ArtifactStores.open("s3://bucket/prefix", java.util.Map.of()))
                .hasMessageContaining("no S3 credentials").hasMessageContaining("AWS_ACCESS_KEY_ID");
        assertThatThrownBy(() -> ArtifactStores.open("ftp://x")).hasMessageContaining("unknown scheme");
    }
}
