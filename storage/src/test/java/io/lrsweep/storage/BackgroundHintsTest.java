package io.lrsweep.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Index entries sent while a task goes on, on a real filesystem store held at a gate. */
class BackgroundHintsTest {
    @TempDir
    Path root;

    @Test
    void aCommitReturnsBeforeItsIndexEntryIsWrittenAndAwaitHintsWaitsForIt() throws Exception {
        FileSystemArtifactStore files = new FileSystemArtifactStore(root);
        files.put("st/w.ckpt", new byte[] {1});
        GatedStore gated = new GatedStore(files);
        BackgroundHints hints = new BackgroundHints(gated);
        StageDirectory dir = new StageDirectory(hints, "st");
        Future<Manifest> commit = Executors.newVirtualThreadPerTaskExecutor().submit(
                () -> dir.commit("x", "fp", Map.of(), List.of("w.ckpt"), Map.of(), "test"));
        assertThat(gated.nextStarted()).isEqualTo("st/MANIFEST.json");
        gated.letOneThrough();
        assertThat(gated.nextStarted()).isEqualTo("index/fingerprints/fp");
        assertThat(commit.get(1, TimeUnit.MINUTES).fingerprint()).as("committed while its entry waits").isEqualTo("fp");
        assertThat(files.exists("index/fingerprints/fp")).isFalse();
        gated.letOneThrough();
        hints.awaitHints();
        assertThat(new FingerprintIndex(files).lookup("fp")).contains("st");
    }

    @Test
    void aHintThatFailsIsLoggedNotThrownAndTheStageStaysCommitted() throws Exception {
        FileSystemArtifactStore files = new FileSystemArtifactStore(root);
        ArtifactStore refusingIndex = new ForwardingStore(files) {
            @Override
            public StoredObject put(String key, Payload data) throws IOException {
                if (key.startsWith("index/")) {
                    throw new IOException("the store refused " + key);
                }
                return super.put(key, data);
            }
        };
        BackgroundHints hints = new BackgroundHints(refusingIndex);
        StageDirectory dir = new StageDirectory(hints, "st");
        dir.write("w.ckpt", new byte[] {1});
        dir.commit("x", "fp", Map.of(), List.of("w.ckpt"), Map.of(), "test");
        hints.awaitHints();
        assertThat(new StageDirectory(files, "st").manifest()).isPresent();
        assertThat(files.exists("index/fingerprints/fp")).isFalse();
    }
}
