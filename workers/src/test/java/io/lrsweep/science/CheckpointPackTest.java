package io.lrsweep.science;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointPackTest {
    private static final List<byte[]> CHECKPOINTS = List.of(
            CheckpointFormat.encodeWeights(100, SiMlp.initialise(1)),
            new byte[0],
            CheckpointFormat.encodeWeights(200, SiMlp.initialise(2)));

    @Test
    void packedCheckpointsComeBackByteForByteInTheirOrder() throws IOException {
        byte[] pack = CheckpointPack.encode(CHECKPOINTS);
        List<byte[]> back = CheckpointPack.decode(pack);
        assertThat(back).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(back.get(i)).as("entry " + i).containsExactly(CHECKPOINTS.get(i));
        }
        assertThat(CheckpointFormat.decode(back.get(2)).state().weights().si())
                .containsExactly(SiMlp.initialise(2).si());
        assertThat(CheckpointPack.decode(CheckpointPack.encode(List.of()))).isEmpty();
    }

    @Test
    void aPackIsToldApartFromAPlainCheckpoint() {
        assertThat(CheckpointPack.isPack(CheckpointPack.encode(CHECKPOINTS))).isTrue();
        assertThat(CheckpointPack.isPack(CHECKPOINTS.get(0))).isFalse();
        assertThat(CheckpointPack.isPack(new byte[3])).isFalse();
    }

    @Test
    void aTruncatedLengthenedOrForeignPackIsRefusedWithItsReason() {
        byte[] pack = CheckpointPack.encode(CHECKPOINTS);
        assertThatThrownBy(() -> CheckpointPack.decode(Arrays.copyOf(pack, pack.length - 1)))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> CheckpointPack.decode(Arrays.copyOf(pack, 14)))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> CheckpointPack.decode(Arrays.copyOf(pack, pack.length + 1)))
                .isInstanceOf(IOException.class).hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> CheckpointPack.decode(CHECKPOINTS.get(0)))
                .isInstanceOf(IOException.class).hasMessageContaining("bad magic");
        byte[] absurd = pack.clone();
        absurd[12] = 0x7F;
        assertThatThrownBy(() -> CheckpointPack.decode(absurd))
                .isInstanceOf(IOException.class).hasMessageContaining("count").hasMessageContaining("not plausible");
    }
}
