package io.lrsweep.report;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code chromium} run headless on a local page: the DOM after load, or a screenshot.
 * Tests that need it are skipped without it, except with {@code CI=true}, where they fail.
 */
final class HeadlessChromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final long TIMEOUT_SECONDS = 120;
    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** The browser, or a skip (a failure under CI=true, where .ci/run installs it) when there is none. */
    static HeadlessChromium require() {
        Optional<Path> found = find();
        if (found.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("no headless browser found (" + NAMES + " on PATH, or LRSWEEP_CHROMIUM); .ci/run installs Debian's"
                    + " chromium");
        }
        Assumptions.assumeTrue(found.isPresent(), "chromium is not installed (apt-get install chromium); skipping");
        return new HeadlessChromium(found.orElseThrow());
    }

    static Optional<Path> find() {
        String given = System.getenv("LRSWEEP_CHROMIUM");
        if (given != null && !given.isBlank()) {
            return Optional.of(Path.of(given)).filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isBlank())
                .flatMap(d -> NAMES.stream().map(n -> Path.of(d, n))).filter(Files::isExecutable).findFirst();
    }

    /** The page's DOM once it has loaded (images included), serialised, in a window {@code width} × {@code height}. */
    String dumpDom(Path page, int width, int height) throws IOException, InterruptedException {
        return run(page, width, height, "--dump-dom");
    }

    /** A PNG of the window, {@code width} × {@code height}, scroll bars hidden. */
    void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(page, width, height, "--hide-scrollbars", "--screenshot=" + png.toAbsolutePath());
        if (!Files.isRegularFile(png)) {
            throw new IOException("chromium wrote no screenshot of " + page);
        }
    }

    private String run(Path page, int width, int height, String... what) throws IOException, InterruptedException {
        // A profile of its own: no state from an earlier run, and no clash with a browser already open.
        Path profile = Files.createTempDirectory("lrsweep-chromium");
        Path log = profile.resolveSibling(profile.getFileName() + ".log");
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height));
        cmd.addAll(List.of(what));
        cmd.add(page.toAbsolutePath().toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("chromium did not finish within " + TIMEOUT_SECONDS + " s on " + page);
            }
            if (p.exitValue() != 0) {
                throw new IOException("chromium exited " + p.exitValue() + " on " + page + ": "
                        + Files.readString(log).lines().reduce("", (a, b) -> b));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
