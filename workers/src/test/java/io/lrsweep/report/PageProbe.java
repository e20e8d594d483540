package io.lrsweep.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loads a page in the browser with {@code page-probe.js} added and reads back what it measured. */
final class PageProbe {
    private static final Pattern RESULT = Pattern.compile("<pre id=\"lrsweep-probe\"[^>]*>([A-Za-z0-9+/=]*)</pre>");
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** What a reader sees of a page: widths in CSS pixels, URLs as the browser resolved them. */
    record Page(int viewportWidth, int scrollWidth, int height, List<Image> images, List<String> links,
                List<String> clipped, List<String> offRight, List<Figure> figures) {
    }

    /** An image: {@code naturalWidth} is 0 when it did not load; {@code right} is its right edge. */
    record Image(String src, int naturalWidth, int right) {
    }

    /** A figure's image and caption text. */
    record Figure(String src, String caption) {
    }

    private PageProbe() {
    }

    /**
     * Measures {@code page} at {@code width} px. The probe goes into a copy beside the page, so that
     * its relative links resolve as the page's own; the page itself is not changed.
     */
    static Page measure(HeadlessChromium browser, Path page, int width) throws IOException, InterruptedException {
        String html = Files.readString(page);
        int end = html.lastIndexOf("</body>");
        if (end < 0) {
            throw new IOException(page + " has no </body>");
        }
        Path probe = page.resolveSibling("." + page.getFileName() + ".probe.html");
        Files.writeString(probe, html.substring(0, end) + "<script>" + script() + "</script>" + html.substring(end));
        try {
            String dom = browser.dumpDom(probe, width, 900);
            Matcher m = RESULT.matcher(dom);
            if (!m.find()) {
                throw new IOException("the probe left no result in the DOM of " + page + " (did the page load?)");
            }
            return JSON.readValue(Base64.getDecoder().decode(m.group(1)), Page.class);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static String script() throws IOException {
        try (InputStream in = PageProbe.class.getResourceAsStream("page-probe.js")) {
            if (in == null) {
                throw new IOException("page-probe.js is missing from the test resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
