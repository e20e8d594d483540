package io.lrsweep.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.http.HttpUtils;
import io.minio.messages.Item;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An artifact store in an S3 bucket (MinIO or any S3) through the MinIO Java SDK, using only the
 * plain S3 API. Uploads stream in parts of a fixed size (memory does not grow with the object),
 * hashing while they go; an S3 put is atomic, so a failed upload leaves no partial object.
 * Connection failures, timeouts and 5xx answers are retried with bounded exponential backoff
 * (the payload is opened anew for each attempt); refused credentials or a missing bucket fail at once.
 */
public final class S3ArtifactStore implements ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3ArtifactStore.class);
    private static final Set<String> PERMANENT_CODES = Set.of("AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "NoSuchBucket", "InvalidBucketName", "AllAccessDisabled",
            "AuthorizationHeaderMalformed", "InvalidArgument", "MethodNotAllowed");
    /**
     * One connection pool for every S3 store of the process (a worker's store, data set downloads):
     * connections are kept open between requests instead of one TCP handshake each. The SDK sends
     * each request through OkHttp's dispatcher, which by default lets only 5 run per host at once;
     * a stage's overlapping uploads and reads need more.
     */
    private static final OkHttpClient HTTP = http();
    private final S3Settings settings;
    private final MinioClient client;
    private final AtomicLong attempts = new AtomicLong();

    /** A client for the bucket; {@link #ensureBucket()} checks that it can be used. */
    public S3ArtifactStore(S3Settings settings) {
        this.settings = settings;
        MinioClient c = MinioClient.builder().endpoint(settings.endpoint()).region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey().reveal()).httpClient(HTTP).build();
        if (settings.pathStyle()) {
            c.disableVirtualStyleEndpoint();
        }
        this.client = c;
    }

    private static OkHttpClient http() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(64);
        dispatcher.setMaxRequestsPerHost(32);
        // The SDK's own client (HTTP/1.1, certificates from SSL_CERT_FILE), with our timeouts in ms,
        // on sockets that send a request's body without waiting for the headers' acknowledgement.
        return HttpUtils.newDefaultHttpClient(10_000, 60_000, 60_000).newBuilder().dispatcher(dispatcher)
                .socketFactory(new NoDelaySocketFactory())
                .connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES)).build();
    }

    /** Checks the bucket and the credentials, creating the bucket if the settings allow; fails with the reason. */
    public S3ArtifactStore ensureBucket() throws IOException {
        boolean exists = call("check bucket", () -> client.bucketExists(
                BucketExistsArgs.builder().bucket(settings.bucket()).build()));
        if (!exists) {
            if (!settings.createBucket()) {
                throw new StoreFailure("bucket '" + settings.bucket() + "' does not exist at " + settings.endpoint()
                        + "; create it, or set " + S3Settings.CREATE_BUCKET + "=true to let lrsweep create it", null);
            }
            call("create bucket", () -> {
                client.makeBucket(MakeBucketArgs.builder().bucket(settings.bucket()).region(settings.region()).build());
                return null;
            });
            LOG.info("created bucket {} at {}", settings.bucket(), settings.endpoint());
        }
        return this;
    }

    /** Requests sent so far, retries included (for tests and diagnostics). */
    public long attempts() {
        return attempts.get();
    }

    private String object(String key) {
        StoreKeys.requireValidKey(key);
        return settings.prefix().isEmpty() ? key : settings.prefix() + "/" + key;
    }

    @Override
    public StoredObject put(String key, Payload payload) throws IOException {
        String object = object(key);
        return call("upload " + key, () -> {
            MessageDigest digest = Sha256.newDigest();
            try (InputStream in = payload.open(); CountingInputStream counted = new CountingInputStream(
                    new DigestInputStream(in, digest))) {
                client.putObject(PutObjectArgs.builder().bucket(settings.bucket()).object(object)
                        .stream(counted, -1, settings.partSize()).build());
                return new StoredObject(key, counted.count(), Sha256.hex(digest));
            }
        });
    }

    @Override
    public InputStream open(String key) throws IOException {
        String object = object(key);
        try {
            return call("download " + key, () -> client.getObject(GetObjectArgs.builder()
                    .bucket(settings.bucket()).object(object).build()));
        } catch (StoreFailure e) {
            if (isNoSuchKey(e)) {
                throw new NoSuchFileException(key, null, "no object in " + describe());
            }
            throw e;
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        return stat(key).map(StatObjectResponse::size);
    }

    /** The object's metadata, if it exists. */
    private Optional<StatObjectResponse> stat(String key) throws IOException {
        String object = object(key);
        try {
            return Optional.of(call("stat " + key, () -> client.statObject(StatObjectArgs.builder()
                    .bucket(settings.bucket()).object(object).build())));
        } catch (StoreFailure e) {
            if (isNoSuchKey(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static boolean isNoSuchKey(StoreFailure e) {
        return e.getCause() instanceof ErrorResponseException er && "NoSuchKey".equals(er.errorResponse().code());
    }

    /** The object name prefix of the folder {@code prefix} (with its slash; the store's own prefix for ""). */
    private String folder(String prefix) {
        String p = prefix.isEmpty() ? "" : object(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix) + "/";
        return p.isEmpty() && !settings.prefix().isEmpty() ? settings.prefix() + "/" : p;
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        String full = folder(prefix);
        int strip = settings.prefix().isEmpty() ? 0 : settings.prefix().length() + 1;
        return call("list " + prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(settings.bucket())
                    .prefix(full).recursive(true).build())) {
                keys.add(r.get().objectName().substring(strip));
            }
            keys.sort(null);
            return keys;
        });
    }

    @Override
    public List<String> children(String prefix) throws IOException {
        String full = folder(prefix);
        return call("list " + prefix, () -> {
            List<String> names = new ArrayList<>();
            // Not recursive: the server answers with the common prefixes (folders) one level down.
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(settings.bucket())
                    .prefix(full).recursive(false).build())) {
                names.add(r.get().objectName().substring(full.length()));
            }
            names.sort(null);
            return names;
        });
    }

    @Override
    public Optional<Instant> modified(String key) throws IOException {
        return stat(key).map(r -> r.lastModified().toInstant());
    }

    @Override
    public void delete(String key) throws IOException {
        String object = object(key);
        call("delete " + key, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(settings.bucket()).object(object).build());
            return null;
        });
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    /** One S3 operation, retried while its failure is transient. */
    private <T> T call(String what, S3Operation<T> op) throws IOException {
        RetryPolicy retry = settings.retry();
        for (int attempt = 1; ; attempt++) {
            attempts.incrementAndGet();
            try {
                return op.run();
            } catch (Exception e) {
                CorruptObjectException corrupt = corruptPayload(e);
                if (corrupt != null) {
                    // A payload that failed its own verification (a copy from a corrupt object): not
                    // the store's failure, and the same bytes would fail again.
                    throw corrupt;
                }
                if (!transient_(e)) {
                    throw new StoreFailure(what + " in " + describe() + " failed: " + reason(e), e);
                }
                if (attempt >= retry.maxAttempts()) {
                    throw new IOException(what + " in " + describe() + " failed after " + attempt + " attempts: "
                            + reason(e), e);
                }
                var delay = retry.delayBefore(attempt + 1);
                LOG.warn("{} in {} failed ({}); attempt {} of {} in {} ms", what, describe(), reason(e), attempt + 1,
                        retry.maxAttempts(), delay.toMillis());
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(what + " interrupted", ie);
                }
            }
        }
    }

    /** The {@link CorruptObjectException} that {@code e} is or was caused by, or null. */
    private static CorruptObjectException corruptPayload(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CorruptObjectException c) {
                return c;
            }
        }
        return null;
    }

    /** Connection trouble and 5xx answers may pass; refusals and missing things will not. */
    static boolean transient_(Exception e) {
        if (e instanceof ErrorResponseException er) {
            String code = er.errorResponse().code();
            if (PERMANENT_CODES.contains(code) || "NoSuchKey".equals(code)) {
                return false;
            }
            return er.response() != null && er.response().code() >= 500;
        }
        if (e instanceof ServerException) {
            return true;
        }
        if (e instanceof InvalidResponseException) {
            return true; // a proxy's error page instead of S3 XML
        }
        return e instanceof IOException;
    }

    private static String reason(Exception e) {
        if (e instanceof ErrorResponseException er) {
            return er.errorResponse().code() + " (HTTP " + (er.response() == null ? "?" : er.response().code()) + "): "
                    + er.errorResponse().message();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** An S3 call of the SDK, which declares a long list of checked exceptions. */
    @FunctionalInterface
    private interface S3Operation<T> {
        T run() throws Exception;
    }

    /** Counts the bytes read through it. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
