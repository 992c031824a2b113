package dev.cortado.image.store;

import dev.cortado.image.content.ContentStore;
import dev.cortado.image.content.Digest;
import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.snapshot.Snapshot;
import dev.cortado.image.snapshot.SnapshotStore;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The image store as the rest of cortado sees it: complete images by id or name, their blobs
 * and snapshots, and the garbage collection that frees content no image, container or running
 * pull still uses.
 */
public final class ImageStore {

    private static final Logger LOG = Logger.getLogger(ImageStore.class.getName());
    private static final Pattern HEX_PREFIX = Pattern.compile("[a-f0-9]{6,64}");

    private final ContentStore content;
    private final SnapshotStore snapshots;
    private final ImageCatalog catalog;
    private final ReentrantLock collection = new ReentrantLock();
    private final Set<Lease> leases = new HashSet<>();
    private final List<Supplier<Set<Digest>>> snapshotRoots = new CopyOnWriteArrayList<>();

    public ImageStore(ContentStore content, SnapshotStore snapshots, ImageCatalog catalog) {
        this.content = content;
        this.snapshots = snapshots;
        this.catalog = catalog;
    }

    public ContentStore content() {
        return content;
    }

    public SnapshotStore snapshots() {
        return snapshots;
    }

    public List<ImageRecord> list() {
        return catalog.all();
    }

    /**
     * Finds an image by what a kubelet or a person may give: its id ({@code sha256:<hex>}, the
     * bare hex, or an unambiguous prefix of at least 6 hex digits), a tag, or a digested name;
     * short names are normalised as docker does.
     */
    public Optional<ImageRecord> resolve(String reference) {
        String text = reference.trim();
        if (text.startsWith("sha256:")) {
            try {
                return catalog.get(Digest.parse(text));
            } catch (IllegalArgumentException notAnId) {
                return Optional.empty();
            }
        }
        try {
            Optional<ImageRecord> named = catalog.byName(ImageReference.parse(text).toString());
            if (named.isPresent()) {
                return named;
            }
        } catch (IllegalArgumentException notAName) {
            // may still be an id
        }
        if (HEX_PREFIX.matcher(text).matches()) {
            List<ImageRecord> matches = catalog.byIdPrefix(text);
            if (matches.size() == 1) {
                return Optional.of(matches.get(0));
            }
        }
        return Optional.empty();
    }

    /** Records a completely pulled image; its names move to it from any older image. */
    public ImageRecord add(ImageRecord record) throws IOException {
        return catalog.put(record);
    }

    /** Removes an image and frees whatever only it used; false when no such image exists. */
    public boolean remove(Digest id) throws IOException {
        Optional<ImageRecord> removed = catalog.remove(id);
        if (removed.isEmpty()) {
            return false;
        }
        collectGarbage();
        return true;
    }

    /** Lets the runtime keep the snapshots under its containers alive (top chainIDs in use). */
    public void addSnapshotRoots(Supplier<Set<Digest>> topChainIdsInUse) {
        snapshotRoots.add(topChainIdsInUse);
    }

    public Lease lease() {
        Lease lease = new Lease(this);
        underCollectionLock(() -> leases.add(lease));
        return lease;
    }

    void release(Lease lease) {
        underCollectionLock(() -> leases.remove(lease));
    }

    <T> T underCollectionLock(Supplier<T> action) {
        collection.lock();
        try {
            return action.get();
        } finally {
            collection.unlock();
        }
    }

    /** Deletes every blob and snapshot that no image, container root or lease refers to. */
    public GarbageReport collectGarbage() throws IOException {
        collection.lock();
        try {
            Set<Digest> blobsInUse = new HashSet<>();
            Set<Digest> snapshotsInUse = new HashSet<>();
            for (ImageRecord image : catalog.all()) {
                blobsInUse.addAll(image.blobs());
                image.layers().forEach(layer -> snapshotsInUse.add(layer.chainId()));
            }
            for (Supplier<Set<Digest>> roots : snapshotRoots) {
                for (Digest top : roots.get()) {
                    snapshots.get(top).ifPresent(s -> snapshots.chain(top).forEach(c -> snapshotsInUse.add(c.chainId())));
                }
            }
            for (Lease lease : leases) {
                blobsInUse.addAll(lease.blobs());
                snapshotsInUse.addAll(lease.snapshots());
            }
            int blobsFreed = 0;
            for (Digest blob : content.list()) {
                if (!blobsInUse.contains(blob) && content.delete(blob)) {
                    blobsFreed++;
                }
            }
            int snapshotsFreed = 0;
            for (Snapshot snapshot : snapshots.list()) {
                if (!snapshotsInUse.contains(snapshot.chainId())) {
                    snapshots.remove(snapshot.chainId());
                    snapshotsFreed++;
                }
            }
            if (blobsFreed + snapshotsFreed > 0) {
                LOG.info("garbage collection freed " + blobsFreed + " blobs and " + snapshotsFreed + " snapshots");
            }
            return new GarbageReport(blobsFreed, snapshotsFreed);
        } finally {
            collection.unlock();
        }
    }

    /** Bytes and inodes the image store occupies: blobs plus unpacked snapshots. */
    public StoreUsage usage() throws IOException {
        ContentStore.Usage blobs = content.usage();
        long bytes = blobs.bytes();
        long inodes = blobs.files();
        for (Snapshot snapshot : snapshots.list()) {
            bytes += snapshot.bytes();
            inodes += snapshot.inodes();
        }
        return new StoreUsage(bytes, inodes);
    }

    public record GarbageReport(int blobsFreed, int snapshotsFreed) {
    }

    public record StoreUsage(long bytes, long inodes) {
    }
}
