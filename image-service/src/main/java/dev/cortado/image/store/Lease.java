package dev.cortado.image.store;

import dev.cortado.image.content.Digest;
import dev.cortado.image.snapshot.Snapshot;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Protection from garbage collection for content a pull is still working on: blobs and
 * snapshots that exist, or are being made, before the finished image names them.
 */
public final class Lease implements AutoCloseable {

    private final ImageStore store;
    private final Set<Digest> blobs = ConcurrentHashMap.newKeySet();
    private final Set<Digest> snapshots = ConcurrentHashMap.newKeySet();

    Lease(ImageStore store) {
        this.store = store;
    }

    /** Protects a blob, whether or not it exists yet. */
    public void blob(Digest digest) {
        store.underCollectionLock(() -> blobs.add(digest));
    }

    /** Protects a snapshot and answers whether it is already committed, atomically with GC. */
    public Optional<Snapshot> snapshot(Digest chainId) {
        return store.underCollectionLock(() -> {
            snapshots.add(chainId);
            return store.snapshots().get(chainId);
        });
    }

    Set<Digest> blobs() {
        return blobs;
    }

    Set<Digest> snapshots() {
        return snapshots;
    }

    @Override
    public void close() {
        store.release(this);
    }
}
