package io.lrsweep.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.storage.StoredObject;

/** How every fault scenario ends: the same results as a clean run, and every manifest whole. */
final class StudyChecks {
    private StudyChecks() {
    }

    /** The study's results.json equals the clean run's (but for the study id). */
    static void sameResultsAsACleanRun(ArtifactStore store, String studyId) throws Exception {
        JsonNode results = new ObjectMapper().readTree(store.get(StudyLayout.report(studyId) + "/results.json"));
        assertThat(CleanReference.withoutStudyId(results)).as("results.json of " + studyId + " against a clean run")
                .isEqualTo(CleanReference.results());
    }

    /**
     * Every manifest of the study parses and every object it lists is there with its recorded size
     * and SHA-256.
     *
     * @return how many manifests were checked
     */
    static int everyManifestVerifies(ArtifactStore store, String studyId) throws Exception {
        int manifests = 0;
        for (String key : store.list("studies/" + studyId + "/")) {
            if (!key.endsWith("/" + Manifest.FILE_NAME)) {
                continue;
            }
            Manifest m = Json.read(store.get(key), Manifest.class);
            String prefix = key.substring(0, key.length() - Manifest.FILE_NAME.length() - 1);
            StageDirectory dir = new StageDirectory(store, prefix);
            for (StoredObject o : m.objects()) {
                assertThat(o.key()).as("listed in " + key).startsWith(prefix + "/");
                dir.readVerified(m, o.key().substring(prefix.length() + 1));
            }
            manifests++;
        }
        // Plan writes none; per branch: pretrain, a fine-tuning per FLR, 2 averages, analyze; then the
        // baseline plan (which finds nothing to run) and the report.
        int perBranch = 1 + FaultStudy.FLRS.size() + 2 + 1;
        assertThat(manifests).as("manifests of " + studyId).isEqualTo(FaultStudy.PLRS.size() * perBranch + 2);
        return manifests;
    }
}
