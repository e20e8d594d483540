package io.lrsweep.cli;

import io.lrsweep.setup.ComputeContext;
import io.lrsweep.tasks.StageCounters;
import java.io.IOException;
import java.util.Optional;

/** Told when the demo's study starts (servers up, workers polling) and when it has ended. */
interface StudyMeter {
    void started(Optional<ProcessHandle> server, ComputeContext compute) throws IOException;

    void ended(StageCounters stages, ComputeContext compute) throws IOException;

    StudyMeter NONE = new StudyMeter() {
        @Override
        public void started(Optional<ProcessHandle> server, ComputeContext compute) {
        }

        @Override
        public void ended(StageCounters stages, ComputeContext compute) {
        }
    };
}
