package dev.cortado.image.pull;

import dev.cortado.image.content.ContentMismatchException;
import dev.cortado.image.content.ContentStore;
import dev.cortado.image.content.Digest;
import dev.cortado.image.content.Ingest;
import dev.cortado.image.registry.RegistryException;
import dev.cortado.image.snapshot.PreparedSnapshot;
import dev.cortado.image.snapshot.Snapshot;
import dev.cortado.image.snapshot.SnapshotStore;
import dev.cortado.image.store.Lease;
import dev.cortado.image.unpack.LayerUnpacker;
import dev.cortado.image.unpack.UnpackStats;
import dev.cortado.image.unpack.UnsafeLayerException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns layer blobs into committed snapshots, a bounded number at a time. Each layer is
 * streamed once: from the registry (or the local blob) through the ingest file, the
 * decompressor and the tar unpacker. The blob digest and the diff_id are checked when the
 * stream ends, and only then are the blob and the snapshot committed. Concurrent requests for
 * the same layer share one download.
 */
public final class LayerFetcher implements AutoCloseable {

    private final ContentStore content;
    private final SnapshotStore snapshots;
    private final LayerUnpacker unpacker;
    private final ExecutorService workers;
    private final Map<Digest, CompletableFuture<Snapshot>> inFlight = new ConcurrentHashMap<>();

    public LayerFetcher(ContentStore content, SnapshotStore snapshots, LayerUnpacker unpacker, int parallelism) {
        this.content = content;
        this.snapshots = snapshots;
        this.unpacker = unpacker;
        AtomicInteger count = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(parallelism, parallelism, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "layer-fetch-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
    }

    /** The layer's snapshot, now if it exists, else once fetched; the lease protects it. */
    CompletableFuture<Snapshot> fetch(LayerJob job, Lease lease) {
        Optional<Snapshot> existing = lease.snapshot(job.chainId());
        if (existing.isPresent()) {
            return CompletableFuture.completedFuture(existing.get());
        }
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> running = inFlight.putIfAbsent(job.chainId(), mine);
        if (running != null) {
            // That download is another pull's, perhaps from another registry or with other
            // credentials: its failure is not this pull's, which then fetches the layer itself.
            return running.exceptionallyCompose(othersFailure -> run(job, new CompletableFuture<>(), false));
        }
        return run(job, mine, true);
    }

    /** Unpacks on a worker into {@code result}; a shared job is dropped from in-flight when done. */
    private CompletableFuture<Snapshot> run(LayerJob job, CompletableFuture<Snapshot> result, boolean shared) {
        workers.execute(() -> {
            try {
                result.complete(unpack(job));
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            } finally {
                if (shared) {
                    inFlight.remove(job.chainId(), result);
                }
            }
        });
        return result;
    }

    private Snapshot unpack(LayerJob job) throws IOException {
        Optional<Snapshot> existing = snapshots.get(job.chainId());
        if (existing.isPresent()) {
            return existing.get();
        }
        Digest blob = job.layer().digest();
        long size = job.layer().size();
        boolean local = content.has(blob);
        PreparedSnapshot prepared = snapshots.prepare();
        try {
            UnpackStats stats;
            try (InputStream source = local ? content.open(blob) : job.session().openBlob(blob, size);
                 Ingest ingest = local ? null : content.begin(blob, size)) {
                IngestingInputStream tee = new IngestingInputStream(source, ingest);
                try {
                    LayerStream.Result result = LayerStream.copy(tee, job.layer().mediaType(), prepared.fs(), unpacker);
                    stats = result.stats();
                    if (!result.diffId().equals(job.diffId())) {
                        throw new ContentMismatchException("layer " + blob + " of image \"" + job.reference()
                                + "\" has diff_id " + result.diffId() + " but the image config says " + job.diffId());
                    }
                } catch (IOException | RuntimeException failure) {
                    ContentMismatchException corrupt = corruptBlob(job, tee, ingest, failure);
                    if (corrupt != null) {
                        throw corrupt;
                    }
                    throw failure;
                }
                if (ingest != null) {
                    ingest.commit(true);
                }
            }
            return snapshots.commit(prepared, job.chainId(), job.parentChainId(), job.diffId(), blob, stats.bytesWritten(),
                    stats.inodes());
        } catch (IOException | RuntimeException failure) {
            snapshots.abort(prepared);
            throw failure;
        }
    }

    /**
     * A downloaded blob that does not match its digest explains whatever went wrong in reading it
     * (a broken gzip stream, a garbled tar header, a wrong diff_id): reads the rest of it and, if
     * so, returns the failure that says so; null when the blob is intact or cannot be judged.
     */
    private static ContentMismatchException corruptBlob(LayerJob job, IngestingInputStream tee, Ingest ingest,
                                                        Exception failure) {
        if (ingest == null || failure instanceof RegistryException || failure instanceof UnsafeLayerException) {
            // a local blob was verified when stored; a transfer failure is no verdict; and a
            // refused entry is refused whatever the rest holds, so a huge layer is not read on
            return null;
        }
        ContentMismatchException corrupt;
        try {
            tee.drain();
            if (ingest.writtenMatches()) {
                return null;
            }
            corrupt = new ContentMismatchException("blob " + job.layer().digest() + " of image \"" + job.reference()
                    + "\" does not match its digest: the registry sent corrupt data (" + failure.getMessage() + ")");
        } catch (ContentMismatchException tooLong) {
            corrupt = tooLong;
        } catch (IOException unreadable) {
            failure.addSuppressed(unreadable);
            return null;
        }
        corrupt.addSuppressed(failure);
        return corrupt;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
