package io.lrsweep.storage;

/** Rules for object keys and for the names that become parts of keys (study ids, grid values). */
public final class StoreKeys {
    public static final int MAX_KEY_LENGTH = 512;
    public static final int MAX_SEGMENT_LENGTH = 128;

    private StoreKeys() {
    }

    /** Returns {@code key} if it is a relative key that cannot escape its prefix, else throws. */
    public static String requireValidKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidKeyException("object key is empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new InvalidKeyException("object key is longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (key.startsWith("/") || key.contains("\\")) {
            throw new InvalidKeyException("object key must be relative with '/' separators: " + printable(key));
        }
        for (String segment : key.split("/", -1)) {
            requireValidSegment(segment, key);
        }
        return key;
    }

    /** Returns {@code name} if it can be one path segment of a key (a study id, say), else throws. */
    public static String requireValidName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidKeyException("name is empty");
        }
        requireValidSegment(name, name);
        if (name.contains("/")) {
            throw new InvalidKeyException("name must not contain '/': " + printable(name));
        }
        return name;
    }

    private static void requireValidSegment(String segment, String whole) {
        if (segment.isEmpty()) {
            throw new InvalidKeyException("object key has an empty segment: " + printable(whole));
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new InvalidKeyException("object key must not contain '.' or '..' segments: " + printable(whole));
        }
        if (segment.length() > MAX_SEGMENT_LENGTH) {
            throw new InvalidKeyException("a key segment is longer than " + MAX_SEGMENT_LENGTH + " characters");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (Character.isISOControl(c)) {
                throw new InvalidKeyException("object key contains a control character: " + printable(whole));
            }
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append(s.length() > 80 ? "…'" : "'").toString();
    }

    /** Thrown for a key or name that is not allowed. */
    public static final class InvalidKeyException extends IllegalArgumentException {
        public InvalidKeyException(String message) {
            super(message);
        }
    }
}
