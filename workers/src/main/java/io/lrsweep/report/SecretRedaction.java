package io.lrsweep.report;

import java.util.regex.Pattern;

/** Masks what may be a credential in text a report shows: URL user info and secret-looking query parameters. */
final class SecretRedaction {
    static final String MASK = "***";
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s\"]+@");
    // Names as used by S3 presigned URLs (X-Amz-Signature, X-Amz-Credential), Grafana (auth_token) and the like.
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&][^=&#\\s\"]*(?:token|key|secret|passw|signature|credential|auth|session)[^=&#\\s\"]*=)"
                    + "[^&#\\s\"]*");

    private SecretRedaction() {
    }

    static String redact(String text) {
        String out = USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
        return SECRET_PARAMETER.matcher(out).replaceAll("$1" + MASK);
    }
}
