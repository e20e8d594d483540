package io.lrsweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generated bad study inputs straight into the real Conductor server's API, with the workers
 * running: each study fails at once with a terminal error of its plan that names the field, the
 * workers then still run a good study, and nothing was written in or beside the store.
 */
class BadInputFuzzIT {
    @Test
    void everyBadInputIsRefusedByThePlanNamingItsFieldAndTheWorkersCarryOn() throws Exception {
        List<BadStudyInputs.Case> inputs = BadStudyInputs.generate(20_260_102L, 120);
        try (ScratchConductor lab = ScratchConductor.start("fuzz-it", 1, System.out)) {
            FuzzCommand.Report report = FuzzCommand.run(inputs, lab, 10 * 60_000L);
            report.print();
            assertThat(report.verdicts().stream().filter(v -> v.how().equals("conductor")))
                    .as("inputs that reached the plan task").hasSizeGreaterThan(100);
            assertThat(report.problems().stream().map(v -> v.how() + ": " + v.problem().orElse("") + "\n  "
                    + v.input())).as("not refused as they must be").isEmpty();
            assertThat(report.afterwards()).as("a good study through the same workers afterwards")
                    .isEqualTo("COMPLETED");
            assertThat(report.written()).as("written although every input was refused").isEmpty();
        }
    }
}
