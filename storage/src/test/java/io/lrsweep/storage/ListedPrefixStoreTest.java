package io.lrsweep.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a listing taken once lets a store answer without a request, on a real filesystem store. */
class ListedPrefixStoreTest {
    @TempDir
    Path root;

    @Test
    void aKeyUnderThePrefixIsKnownAbsentOnlyWhileTheListingLacksItAndNothingWroteItThroughTheStore()
            throws IOException {
        FileSystemArtifactStore files = new FileSystemArtifactStore(root);
        files.put("branch/pretrain/MANIFEST.json", new byte[] {1});
        files.put("branchlike/x", new byte[] {2});
        ListedPrefixStore listed = ListedPrefixStore.listing(files, "branch");

        assertThat(listed.knownAbsent("branch/pretrain/MANIFEST.json")).as("listed").isFalse();
        assertThat(listed.knownAbsent("branch/finetune/MANIFEST.json")).as("not listed").isTrue();
        assertThat(listed.knownAbsent("branchlike/y")).as("outside the prefix: unknown").isFalse();
        assertThat(listed.knownAbsent("other/MANIFEST.json")).as("outside the prefix: unknown").isFalse();

        listed.put("branch/finetune/MANIFEST.json", new byte[] {3});
        assertThat(listed.knownAbsent("branch/finetune/MANIFEST.json")).as("written through it").isFalse();
        files.put("branch/average/MANIFEST.json", new byte[] {4});
        assertThat(listed.knownAbsent("branch/average/MANIFEST.json"))
                .as("written by another writer after the listing: stale, by design").isTrue();
    }

    @Test
    void aListingOfAFolderThatDoesNotExistKnowsEveryKeyUnderItAbsent() throws IOException {
        ListedPrefixStore listed = ListedPrefixStore.listing(new FileSystemArtifactStore(root), "studies/s/branch/");
        assertThat(listed.knownAbsent("studies/s/branch/pretrain/resume.ckpt")).isTrue();
        assertThat(new OwnWritesStore(listed, 1024).knownAbsent("studies/s/branch/pretrain/resume.ckpt"))
                .as("through a store that forwards to it").isTrue();
    }

    @Test
    void finishedManifestSkipsTheReadOfAManifestKnownAbsentButCommitStillReadsTheStore() throws IOException {
        OwnWritesStoreTest.ReadCountingStore files = new OwnWritesStoreTest.ReadCountingStore(
                new FileSystemArtifactStore(root));
        StageDirectory dir = new StageDirectory(ListedPrefixStore.listing(files, "b"), "b/pretrain");

        assertThat(dir.finishedManifest()).isEmpty();
        assertThat(files.opened).as("known absent: no request").isEmpty();

        dir.write("w.ckpt", new byte[] {7});
        Manifest committed = dir.commit("pretrain", "fp", Map.of(), List.of("w.ckpt"), Map.of(), "test");
        assertThat(files.opened).as("the commit's check for a manifest of a duplicate attempt")
                .containsExactly("b/pretrain/MANIFEST.json");
        assertThat(dir.finishedManifest()).contains(committed);
    }
}
