package io.lrsweep.report;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What makes a report readable as a person sees it, checked on a {@link PageProbe.Page}: every image
 * loaded, every local link resolves to a file of the report, links out go only to the configured
 * bases, nothing is wider than the window or cut off, every figure says what the paper claims.
 */
final class ReadableReport {
    private ReadableReport() {
    }

    /**
     * The problems of {@code page}, one line each; none when it reads well.
     *
     * @param reportDir     the directory the report was opened from: local links must stay inside it,
     *                      so that a copied report (demo --out) keeps working
     * @param externalBases the only URL prefixes the page may link to outside itself
     */
    static List<String> problems(PageProbe.Page page, Path reportDir, int width, List<String> externalBases) {
        List<String> out = new ArrayList<>();
        if (page.scrollWidth() > width) {
            out.add("the page is " + page.scrollWidth() + " px wide in a " + width + " px window");
        }
        page.offRight().forEach(e -> out.add("past the right edge of the window: " + e));
        page.clipped().forEach(e -> out.add("text cut off: " + e));
        for (PageProbe.Image i : page.images()) {
            if (i.naturalWidth() == 0) {
                out.add("broken image: " + i.src());
            }
        }
        for (String link : page.links()) {
            problem(link, reportDir, externalBases).ifPresent(out::add);
        }
        for (PageProbe.Figure f : page.figures()) {
            if (!f.caption().startsWith("The paper")) {
                out.add("figure without a caption saying what the paper claims: " + f.src());
            }
        }
        return out;
    }

    private static Optional<String> problem(String link, Path reportDir, List<String> externalBases) {
        URI u = URI.create(link);
        String scheme = u.getScheme() == null ? "" : u.getScheme();
        switch (scheme) {
            case "file" -> {
                Path target = Path.of(URI.create(u.getScheme() + ":" + u.getRawPath()));
                if (!target.normalize().startsWith(reportDir.toAbsolutePath().normalize())) {
                    return Optional.of("link outside the report: " + link);
                }
                return Files.isRegularFile(target) ? Optional.empty()
                        : Optional.of("broken link: " + link);
            }
            case "http", "https" -> {
                return externalBases.stream().anyMatch(b -> link.startsWith(b.endsWith("/") ? b : b + "/"))
                        ? Optional.empty() : Optional.of("link out to an unconfigured site: " + link);
            }
            default -> {
                return Optional.of("link of an unexpected kind: " + link);
            }
        }
    }
}
