package io.lrsweep.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Downloads an archive over HTTP(S) into its cache file. The bytes go to a temporary file beside
 * it and are moved into place only once their MD5 matches, so the cache never holds a partial or
 * wrong archive, even when a download breaks off or two processes download at once.
 */
public final class ArchiveDownload {
    private final HttpClient client;

    public ArchiveDownload(HttpClient client) {
        this.client = client;
    }

    /** A client that follows redirects (the CIFAR site redirects http to https). */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** Downloads {@code url} to {@code target}, verified against {@code expectedMd5}. */
    public void fetch(URI url, Path target, String expectedMd5) throws IOException {
        String expected = expectedMd5.toLowerCase(Locale.ROOT);
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString() + ".", ".part");
        boolean kept = false;
        try {
            HttpResponse<InputStream> response;
            try {
                response = client.send(HttpRequest.newBuilder(url).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("download of " + url + " interrupted");
            } catch (IOException e) {
                throw new IOException("could not download " + url + " (" + e + "). Without access to it, put the"
                        + " archive (MD5 " + expected + ") at " + target + " yourself, or give a local directory or"
                        + " archive as the data source", e);
            }
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("download of " + url + ": HTTP " + response.statusCode() + ", expected 200");
            }
            long received;
            MessageDigest digest = md5Digest();
            try (InputStream in = response.body();
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                received = in.transferTo(out);
            } catch (IOException e) {
                throw new IOException("download of " + url + " broke off: " + e, e);
            }
            long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (announced >= 0 && announced != received) {
                throw new IOException("download of " + url + " broke off: " + received + " of " + announced + " bytes");
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(expected)) {
                throw new IOException("download of " + url + ": MD5 " + actual + " (" + received + " bytes), expected "
                        + expected + "; the download was deleted");
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            kept = true;
        } finally {
            if (!kept) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** The MD5 of a file, lower-case hex. */
    public static String md5(Path file) throws IOException {
        MessageDigest digest = md5Digest();
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }
}
