package io.lrsweep.storage;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where and how to reach an S3 bucket: from a {@code s3://bucket/prefix} location plus settings
 * taken from the environment (or flags mapped onto the same names). Credentials come only from the
 * environment: {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, or MinIO's
 * {@code MINIO_ACCESS_KEY}/{@code MINIO_SECRET_KEY} or {@code MINIO_ROOT_USER}/{@code MINIO_ROOT_PASSWORD}.
 */
public record S3Settings(String endpoint, String region, String bucket, String prefix, boolean pathStyle,
                         boolean createBucket, String accessKey, Secret secretKey, RetryPolicy retry,
                         long partSize) {
    public static final String ENDPOINT = "LRSWEEP_S3_ENDPOINT";
    public static final String REGION = "LRSWEEP_S3_REGION";
    public static final String PATH_STYLE = "LRSWEEP_S3_PATH_STYLE";
    public static final String CREATE_BUCKET = "LRSWEEP_S3_CREATE_BUCKET";
    /** Where the access key is read from, in order. */
    public static final List<String> ACCESS_KEY_VARIABLES = List.of("AWS_ACCESS_KEY_ID",
            "MINIO_ACCESS_KEY", "MINIO_ROOT_USER");
    /** Where the secret key is read from, in order; no other process needs these. */
    public static final List<String> SECRET_KEY_VARIABLES = List.of("AWS_SECRET_ACCESS_KEY",
            "MINIO_SECRET_KEY", "MINIO_ROOT_PASSWORD");
    public static final String MAX_ATTEMPTS = "LRSWEEP_S3_MAX_ATTEMPTS";
    public static final String RETRY_INITIAL_MS = "LRSWEEP_S3_RETRY_INITIAL_MS";
    public static final String RETRY_MAX_MS = "LRSWEEP_S3_RETRY_MAX_MS";
    public static final String PART_MIB = "LRSWEEP_S3_PART_MIB";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** Settings for {@code location} ({@code s3://bucket[/prefix]}) from {@code env}. */
    public static S3Settings of(String location, Map<String, String> env) {
        if (location == null || !location.startsWith("s3://") || location.length() == 5) {
            throw new IllegalArgumentException("store " + location + ": expected s3://bucket/prefix");
        }
        String rest = location.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("store " + location + ": '" + bucket + "' is not a valid bucket name"
                    + " (3-63 lower-case letters, digits, '.', '-')");
        }
        String path = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("^/+|/+$", "");
        if (!path.isEmpty()) {
            StoreKeys.requireValidKey(path);
        }
        String endpoint = first(env, ENDPOINT, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        if (endpoint == null) {
            endpoint = "https://s3.amazonaws.com";
        }
        String region = first(env, REGION, "AWS_REGION", "AWS_DEFAULT_REGION");
        String access = first(env, ACCESS_KEY_VARIABLES.toArray(String[]::new));
        String secret = first(env, SECRET_KEY_VARIABLES.toArray(String[]::new));
        if (access == null || secret == null) {
            throw new IllegalArgumentException("store " + location + ": no S3 credentials in the environment; set"
                    + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or MINIO_ROOT_USER and MINIO_ROOT_PASSWORD)");
        }
        boolean pathStyle = flag(env, PATH_STYLE, !endpoint.contains("amazonaws.com"));
        RetryPolicy retry = new RetryPolicy(integer(env, MAX_ATTEMPTS, RetryPolicy.DEFAULT.maxAttempts()),
                Duration.ofMillis(integer(env, RETRY_INITIAL_MS, (int) RetryPolicy.DEFAULT.initialDelay().toMillis())),
                Duration.ofMillis(integer(env, RETRY_MAX_MS, (int) RetryPolicy.DEFAULT.maxDelay().toMillis())));
        long partMib = integer(env, PART_MIB, 16);
        if (partMib < 5 || partMib > 5 * 1024) {
            throw new IllegalArgumentException(PART_MIB + "=" + partMib + ": S3 parts must be 5 MiB to 5 GiB");
        }
        return new S3Settings(endpoint, region == null ? "us-east-1" : region, bucket, path, pathStyle,
                flag(env, CREATE_BUCKET, false), access, new Secret(secret), retry, partMib << 20);
    }

    /** The location without credentials, for messages. */
    public String describe() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + " at " + endpoint;
    }

    @Override
    public String toString() {
        return "S3Settings[" + describe() + ", region=" + region + ", pathStyle=" + pathStyle + ", accessKey="
                + accessKey + ", secretKey=****]";
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    private static boolean flag(Map<String, String> env, String name, boolean fallback) {
        String v = first(env, name);
        if (v == null) {
            return fallback;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(name + "=" + v + ": expected true or false");
        };
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String v = first(env, name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + v + ": expected an integer");
        }
    }
}
