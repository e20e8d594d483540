package io.lrsweep.monitoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metrics that dashboards and rules may use although the workers do not export them, as listed
 * in monitoring/README.md's "External metrics" table: name, source, and whether the source
 * exports it always or only after a first event.
 */
public final class ExternalMetrics {
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([A-Za-z_:][\\w:]*)`\\s*\\|\\s*([^|]+?)\\s*\\|\\s*(always|after an event)\\s*\\|");

    /** One documented external metric. */
    public record External(String name, String source, boolean always) {
    }

    private ExternalMetrics() {
    }

    public static Map<String, External> documented(Path readme) throws IOException {
        String text = Files.readString(readme);
        int start = text.indexOf("## External metrics");
        if (start < 0) {
            throw new IllegalStateException(readme + " has no \"## External metrics\" section");
        }
        int end = text.indexOf("\n## ", start + 1);
        Map<String, External> out = new TreeMap<>();
        for (String line : text.substring(start, end < 0 ? text.length() : end).split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                out.put(m.group(1), new External(m.group(1), m.group(2), m.group(3).equals("always")));
            }
        }
        return out;
    }
}
