package io.lrsweep.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How lrsweep tunes every Conductor server it starts or ships (pollers, sweeper, when a join is
 * looked at again): the Helm chart's {@code files/conductor/tuning.properties}, also in the jar,
 * read here and given to the local server as command-line arguments, in the file's order.
 */
public final class ServerTuning {
    /** The chart's tuning file as the jar holds it. */
    public static final String RESOURCE = "/conductor/tuning.properties";

    private ServerTuning() {
    }

    /** The file's properties as {@code --key=value} arguments. */
    public static List<String> arguments() throws IOException {
        try (InputStream in = ServerTuning.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the jar (rebuild it with Maven)");
            }
            return arguments(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** {@code --key=value} for each {@code key=value} line of {@code properties}; comments and blank lines left out. */
    static List<String> arguments(String properties) throws IOException {
        List<String> out = new ArrayList<>();
        int number = 0;
        for (String line : properties.split("\n", -1)) {
            number++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0 || eq == l.length() - 1 || l.substring(0, eq).contains(" ")) {
                throw new IOException(RESOURCE + " line " + number + " is not key=value: " + l);
            }
            out.add("--" + l);
        }
        return out;
    }
}
