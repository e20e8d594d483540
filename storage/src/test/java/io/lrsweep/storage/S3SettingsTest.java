package io.lrsweep.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void locationEndpointAndCredentialsComeFromTheUriAndTheEnvironment() {
        S3Settings s = S3Settings.of("s3://my-bucket/runs/a/", env("LRSWEEP_S3_ENDPOINT", "http://minio:9000",
                "AWS_ACCESS_KEY_ID", "AK", "AWS_SECRET_ACCESS_KEY", "SK-very-secret", "AWS_REGION", "eu-west-1"));
        assertThat(s.bucket()).isEqualTo("my-bucket");
        assertThat(s.prefix()).isEqualTo("runs/a");
        assertThat(s.endpoint()).isEqualTo("http://minio:9000");
        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.pathStyle()).isTrue();
        assertThat(s.createBucket()).isFalse();
        assertThat(s.secretKey().reveal()).isEqualTo("SK-very-secret");
        assertThat(s.partSize()).isEqualTo(16L << 20);
        assertThat(s.toString()).doesNotContain("SK-very-secret").contains("****");
        assertThat(s.describe()).isEqualTo("s3://my-bucket/runs/a at http://minio:9000").doesNotContain("AK");
    }

    @Test
    void minioCredentialNamesAreAcceptedAndAwsDefaultsToVirtualHostStyle() {
        S3Settings s = S3Settings.of("s3://bkt", env("MINIO_ROOT_USER", "u", "MINIO_ROOT_PASSWORD", "p"));
        assertThat(s.accessKey()).isEqualTo("u");
        assertThat(s.endpoint()).isEqualTo("https://s3.amazonaws.com");
        assertThat(s.pathStyle()).isFalse();
        assertThat(s.prefix()).isEmpty();
        assertThat(s.region()).isEqualTo("us-east-1");
    }

    @Test
    void badSettingsAreRefusedNamingWhatIsWrong() {
        Map<String, String> creds = env("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b");
        assertThatThrownBy(() -> S3Settings.of("s3://bkt/p", Map.of())).hasMessageContaining("AWS_ACCESS_KEY_ID");
        assertThatThrownBy(() -> S3Settings.of("s3://Bad_Bucket/p", creds)).hasMessageContaining("not a valid bucket name");
        assertThatThrownBy(() -> S3Settings.of("s3://bkt/a/../b", creds)).isInstanceOf(StoreKeys.InvalidKeyException.class);
        Map<String, String> e = new HashMap<>(creds);
        e.put(S3Settings.PATH_STYLE, "maybe");
        assertThatThrownBy(() -> S3Settings.of("s3://bkt", e)).hasMessageContaining("LRSWEEP_S3_PATH_STYLE=maybe");
        e.remove(S3Settings.PATH_STYLE);
        e.put(S3Settings.PART_MIB, "1");
        assertThatThrownBy(() -> S3Settings.of("s3://bkt", e)).hasMessageContaining("5 MiB");
    }

    @Test
    void retryDelaysGrowExponentiallyUpToTheCap() {
        RetryPolicy p = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofMillis(500));
        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayBefore(4)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delayBefore(5)).isEqualTo(Duration.ofMillis(500));
        assertThat(p.delayBefore(60)).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).hasMessageContaining("maxAttempts");
    }
}
