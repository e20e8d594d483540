package io.lrsweep.storage;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store that lists one prefix when it is made and then knows, without a request, which keys under
 * it were absent: a task that checks a dozen stages of a branch for a manifest or a resume checkpoint
 * sends one listing instead of a dozen reads that an object store answers with "no such key". Keys
 * written through this store since count as present; nothing else changes what it knows.
 */
public final class ListedPrefixStore extends ForwardingStore {
    private final String prefix;
    /** Keys under the prefix at the listing, and those written through this store since. */
    private final Set<String> present = ConcurrentHashMap.newKeySet();

    private ListedPrefixStore(ArtifactStore inner, String prefix) {
        super(inner);
        this.prefix = prefix;
    }

    /** Lists {@code prefix} of {@code inner} (one request) and remembers what it holds. */
    public static ListedPrefixStore listing(ArtifactStore inner, String prefix) throws IOException {
        String folder = StoreKeys.requireValidKey(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1)
                : prefix) + "/";
        ListedPrefixStore store = new ListedPrefixStore(inner, folder);
        store.present.addAll(inner.list(folder));
        return store;
    }

    @Override
    public StoredObject put(String key, Payload data) throws IOException {
        // Before the write: a check while it is under way asks the store instead.
        present.add(key);
        return super.put(key, data);
    }

    @Override
    public boolean knownAbsent(String key) {
        return key.startsWith(prefix) && !present.contains(key) || super.knownAbsent(key);
    }
}
