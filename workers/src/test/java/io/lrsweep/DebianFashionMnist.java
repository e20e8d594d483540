package io.lrsweep;

import static org.junit.jupiter.api.Assertions.fail;

import io.lrsweep.data.FashionMnistReader;
import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;

/** Tests that need the real Fashion-MNIST of Debian's package: skipped without it, except on CI where they fail. */
public final class DebianFashionMnist {
    private DebianFashionMnist() {
    }

    public static void require() {
        boolean present = Files.isRegularFile(FashionMnistReader.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"));
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("Debian's dataset-fashion-mnist is not installed (" + FashionMnistReader.DEBIAN_DIR + "); .ci/run"
                    + " installs it");
        }
        Assumptions.assumeTrue(present, "Debian's dataset-fashion-mnist is not installed; skipping");
    }
}
