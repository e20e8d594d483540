package io.lrsweep;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretScanTest {
    @TempDir
    Path dir;

    @Test
    void aSecretInAFileOrTextFailsTheScanNamingWhereItWasFound() throws Exception {
        Path log = Files.writeString(dir.resolve("worker.log"), "ok\nkey=s3cr3t-value\n");
        SecretScan scan = new SecretScan("s3cr3t-value").text("clean text", "nothing here");
        assertThatThrownBy(() -> scan.file(log)).hasMessageContaining("the S3 secret appears in file " + log);
        assertThatThrownBy(() -> scan.text("a metrics scrape", "x s3cr3t-value y"))
                .hasMessageContaining("a metrics scrape");
    }
}
