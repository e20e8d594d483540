package io.lrsweep.storage;

/** An object as written: its key, size in bytes and SHA-256 (lower-case hex). */
public record StoredObject(String key, long size, String sha256) {
}
