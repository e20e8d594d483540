package io.lrsweep.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnWritesStoreTest {
    @TempDir
    Path root;

    /** Counts the reads that reach the store (the keys opened through it); can refuse every write. */
    static final class ReadCountingStore extends ForwardingStore {
        final List<String> opened = new ArrayList<>();
        boolean failPuts;

        ReadCountingStore(ArtifactStore inner) {
            super(inner);
        }

        @Override
        public InputStream open(String key) throws IOException {
            opened.add(key);
            return super.open(key);
        }

        @Override
        public StoredObject put(String key, Payload data) throws IOException {
            if (failPuts) {
                throw new IOException("store away");
            }
            return super.put(key, data);
        }
    }

    @Test
    void whatItWroteIsReadBackWithoutAskingTheStoreAndIsInTheStoreToo() throws IOException {
        ReadCountingStore inner = new ReadCountingStore(new FileSystemArtifactStore(root));
        OwnWritesStore store = new OwnWritesStore(inner, 1 << 20);
        byte[] data = {1, 2, 3};
        StoredObject stored = store.put("s/pretrain/MANIFEST.json", data);
        assertThat(stored.sha256()).isEqualTo(Sha256.hex(data));
        assertThat(store.get("s/pretrain/MANIFEST.json")).containsExactly(1, 2, 3);
        assertThat(store.size("s/pretrain/MANIFEST.json")).contains(3L);
        assertThat(inner.opened).isEmpty();
        assertThat(new FileSystemArtifactStore(root).get("s/pretrain/MANIFEST.json")).containsExactly(1, 2, 3);
    }

    @Test
    void objectsWrittenByOthersAreAlwaysReadFromTheStore() throws IOException {
        ReadCountingStore inner = new ReadCountingStore(new FileSystemArtifactStore(root));
        OwnWritesStore store = new OwnWritesStore(inner, 1 << 20);
        store.put("k", new byte[] {1});
        inner.put("k", new byte[] {2});
        inner.put("other", new byte[] {3});
        assertThat(store.get("other")).containsExactly(3);
        assertThat(inner.opened).containsExactly("other");
        // Another writer of a key this store wrote is not seen until this store forgets it: a task
        // reads back its own objects, which stages write deterministically.
        assertThat(store.get("k")).containsExactly(1);
    }

    @Test
    void aDeleteOrAWriteFromAStreamForgetsTheKey() throws IOException {
        ReadCountingStore inner = new ReadCountingStore(new FileSystemArtifactStore(root));
        OwnWritesStore store = new OwnWritesStore(inner, 1 << 20);
        store.put("gone", new byte[] {1});
        store.delete("gone");
        assertThatThrownBy(() -> store.open("gone")).isInstanceOf(NoSuchFileException.class);
        store.put("streamed", new byte[] {1});
        store.put("streamed", () -> new ByteArrayInputStream(new byte[] {9, 9}));
        assertThat(store.get("streamed")).containsExactly(9, 9);
        assertThat(inner.opened).containsExactly("gone", "streamed");
        assertThat(store.heldBytes()).isZero();
    }

    @Test
    void bytesPassedOnByAStoreAroundItAreHeld() throws IOException {
        // A forwarding store turns a write of bytes into a write of a payload; the payload still
        // carries the bytes, so the store inside holds them as if written to it directly.
        ReadCountingStore inner = new ReadCountingStore(new FileSystemArtifactStore(root));
        OwnWritesStore own = new OwnWritesStore(inner, 1 << 20);
        ArtifactStore around = new ForwardingStore(own) {
        };
        around.put("k", new byte[] {4, 5});
        assertThat(around.get("k")).containsExactly(4, 5);
        assertThat(inner.opened).isEmpty();
        assertThat(own.heldBytes()).isEqualTo(2);
    }

    @Test
    void theCallersArrayChangedAfterTheWriteDoesNotChangeWhatIsReadBack() throws IOException {
        OwnWritesStore store = new OwnWritesStore(new FileSystemArtifactStore(root), 1 << 20);
        byte[] data = {1, 2, 3};
        store.put("k", data);
        data[0] = 42;
        assertThat(store.get("k")).containsExactly(1, 2, 3);
    }

    @Test
    void aFailedWriteHoldsNothingAndForgetsWhatWasHeld() throws IOException {
        ReadCountingStore inner = new ReadCountingStore(new FileSystemArtifactStore(root));
        OwnWritesStore store = new OwnWritesStore(inner, 1 << 20);
        store.put("k", new byte[] {1});
        inner.failPuts = true;
        assertThatThrownBy(() -> store.put("k", new byte[] {2})).hasMessage("store away");
        assertThat(store.get("k")).containsExactly(1);
        assertThat(inner.opened).containsExactly("k");
    }

    @Test
    void theOldestObjectsMakeRoomAndOneLargerThanTheBudgetIsNotHeld() throws IOException {
        ReadCountingStore inner = new ReadCountingStore(new FileSystemArtifactStore(root));
        OwnWritesStore store = new OwnWritesStore(inner, 10);
        store.put("a", new byte[4]);
        store.put("b", new byte[4]);
        store.put("c", new byte[4]);
        assertThat(store.heldBytes()).isEqualTo(8);
        store.put("big", new byte[11]);
        assertThat(store.heldBytes()).isEqualTo(8);
        for (String k : List.of("a", "b", "c", "big")) {
            store.get(k);
        }
        assertThat(inner.opened).containsExactly("a", "big");
    }

    @Test
    void aNegativeBudgetIsRefused() {
        assertThatThrownBy(() -> new OwnWritesStore(new FileSystemArtifactStore(root), -1))
                .hasMessageContaining("budgetBytes");
    }
}
