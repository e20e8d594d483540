package io.lrsweep.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The project version the build wrote into the jar: what {@code lrsweep --version} answers. */
public final class ProjectVersion implements CommandLine.IVersionProvider {
    /** The Maven project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        try (InputStream in = ProjectVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the jar (rebuild it with Maven)");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            // An unfiltered resource means the build skipped Maven's resource phase: say so rather than print "${…}".
            if (v.isBlank() || v.startsWith("${")) {
                throw new IllegalStateException("version.properties was not filled in by Maven (rebuild with mvn package)");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"lrsweep " + get()};
    }
}
