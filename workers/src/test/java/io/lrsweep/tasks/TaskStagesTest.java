package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.conductor.common.metadata.tasks.Task;
import io.lrsweep.TinyStudy;
import io.lrsweep.report.ReportLinks;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.PlanStage;
import io.lrsweep.stages.StageOutcome;
import io.lrsweep.stages.StageProgress;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.storage.ForwardingStore;
import io.lrsweep.storage.Payload;
import io.lrsweep.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a whole-branch task asks of a real store: the requests an object store would be sent. */
class TaskStagesTest {
    @TempDir
    Path root;

    /** A real store that records the keys written, read (found or not) and deleted through it. */
    private static final class RecordingStore extends ForwardingStore {
        final Set<String> written = new HashSet<>();
        final List<String> readAfterWritten = new ArrayList<>();
        final List<String> read = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        final List<String> listed = new ArrayList<>();

        RecordingStore(ArtifactStore store) {
            super(store);
        }

        @Override
        public synchronized StoredObject put(String key, Payload data) throws IOException {
            written.add(key);
            return super.put(key, data);
        }

        @Override
        public synchronized InputStream open(String key) throws IOException {
            read.add(key);
            if (written.contains(key)) {
                readAfterWritten.add(key);
            }
            return super.open(key);
        }

        @Override
        public synchronized List<String> list(String prefix) throws IOException {
            listed.add(prefix);
            return super.list(prefix);
        }

        @Override
        public synchronized void delete(String key) throws IOException {
            deleted.add(key);
            super.delete(key);
        }
    }

    @Test
    void aWholeBranchTaskListsItsBranchOnceReadsNothingItWroteBackAndDeletesNoResumeCheckpointItNeverWrote()
            throws Exception {
        FileSystemArtifactStore files = new FileSystemArtifactStore(root.resolve("store"));
        new PlanStage(files).run(TinyStudy.input("wb", Map.of("plrs", List.of(1e-3))), "wf", false);
        RecordingStore store = new RecordingStore(files);
        Task task = new Task();
        task.setInputData(new HashMap<>(Map.of("studyId", "wb", "plr", 1e-3, "seed", 0)));
        StageOutcome done;
        try (ComputeContext compute = ComputeContext.cpu(root.resolve("datasets"))) {
            done = new TaskStages(store, compute, ReportLinks.NONE).run(TaskType.WHOLE_BRANCH, task,
                    new TaskInput(task.getInputData()), StageProgress.NONE, (stage, work) -> work.call());
        }

        assertThat(done.outcome()).isEqualTo("completed");
        // Every stage ran and committed: one pre-training, two fine-tunings, two averages, one analysis.
        assertThat(store.written).filteredOn(k -> k.endsWith("/MANIFEST.json")).hasSize(1 + 2 + 2 + 1);
        assertThat(store.read).contains("studies/wb/study.json");
        assertThat(store.readAfterWritten).as("read back from the store after this task wrote them").isEmpty();
        // One listing of the branch says which stages have a manifest or a resume checkpoint: each
        // manifest is read once, by its commit's check for a duplicate attempt, none before.
        String branch = "studies/wb/branches/plr=0.001/seed=0/";
        assertThat(store.listed).containsExactly(branch);
        assertThat(store.read).filteredOn(k -> k.endsWith("/MANIFEST.json")).hasSize(6).doesNotHaveDuplicates()
                .allMatch(k -> k.startsWith(branch));
        assertThat(store.read).noneMatch(k -> k.endsWith("/resume.ckpt"));
        // The pre-training was computed here: the later stages' fingerprints are new, the index is not asked.
        assertThat(store.read).filteredOn(k -> k.startsWith("index/")).hasSize(1);
        assertThat(store.written).as("index entries, sent in the background, all written when the task ends")
                .filteredOn(k -> k.startsWith("index/")).hasSize(6);
        // The tiny study's runs end before their first resume checkpoint: nothing to delete.
        assertThat(store.written).noneMatch(k -> k.endsWith("/resume.ckpt"));
        assertThat(store.deleted).isEmpty();
    }
}
