package io.lrsweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generated bad study inputs through {@code lrsweep submit}'s code path (the command run in this
 * process against an unreachable server, so a case that slipped through validation would fail to
 * connect instead of being refused).
 */
class BadInputFuzzTest {
    @Test
    void everyBadInputTheCommandLineCanExpressIsRefusedNamingItsField() {
        List<BadStudyInputs.Case> cases = BadStudyInputs.generate(20_260_101L, 400);
        List<InputFuzz.Verdict> verdicts = new ArrayList<>();
        for (BadStudyInputs.Case c : cases) {
            InputFuzz.viaSubmit(c).ifPresent(verdicts::add);
        }
        assertThat(verdicts).as("cases the command line can express").hasSizeGreaterThan(250);
        assertThat(verdicts.stream().map(v -> v.input().kind()).distinct())
                .as("every kind of fault reached the command line").hasSizeGreaterThanOrEqualTo(7);
        assertThat(verdicts.stream().filter(v -> !v.ok()).map(v -> v.problem().orElse("") + "\n  " + v.input()))
                .as("not refused as they must be").isEmpty();
    }

    @Test
    void theSameSeedGivesTheSameCases() {
        assertThat(BadStudyInputs.generate(7, 50).toString()).isEqualTo(BadStudyInputs.generate(7, 50).toString());
        assertThat(BadStudyInputs.generate(7, 50).toString()).isNotEqualTo(BadStudyInputs.generate(8, 50).toString());
    }
}
