package io.lrsweep.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerIdentityTest {
    @Test
    void theGpuComesFromNvidiasVisibleDevicesAsDcgmNamesIt() {
        WorkerIdentity id = WorkerIdentity.of("gpu", Map.of("HOSTNAME", "lrsweep-gpu-7d9f",
                "NVIDIA_VISIBLE_DEVICES", "GPU-8f5e0c1a-2b3c-4d5e-6f70-8192a3b4c5d6"));
        assertThat(id).isEqualTo(new WorkerIdentity("lrsweep-gpu-7d9f", "GPU-8f5e0c1a-2b3c-4d5e-6f70-8192a3b4c5d6",
                "gpu"));
    }

    @Test
    void aCpuWorkerHasNoGpuAndNoDomain() {
        WorkerIdentity id = WorkerIdentity.of(null, Map.of("LRSWEEP_WORKER_NAME", "laptop",
                "NVIDIA_VISIBLE_DEVICES", "all"));
        assertThat(id).isEqualTo(new WorkerIdentity("laptop", "none", "none"));
    }

    @Test
    void explicitSettingsWin() {
        WorkerIdentity id = WorkerIdentity.of("gpu", Map.of("LRSWEEP_WORKER_NAME", "w", "HOSTNAME", "h",
                "LRSWEEP_GPU_UUID", "GPU-11111111-2222", "NVIDIA_VISIBLE_DEVICES", "GPU-33333333-4444"));
        assertThat(id.worker()).isEqualTo("w");
        assertThat(id.gpuUuid()).isEqualTo("GPU-11111111-2222");
    }
}
