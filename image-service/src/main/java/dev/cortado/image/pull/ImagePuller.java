package dev.cortado.image.pull;

import dev.cortado.image.content.ContentMismatchException;
import dev.cortado.image.content.Digest;
import dev.cortado.image.manifest.Descriptor;
import dev.cortado.image.manifest.ImageConfig;
import dev.cortado.image.manifest.ImageIndex;
import dev.cortado.image.manifest.ImageManifest;
import dev.cortado.image.manifest.ManifestParser;
import dev.cortado.image.manifest.ParsedManifest;
import dev.cortado.image.manifest.Platform;
import dev.cortado.image.manifest.PlatformSelector;
import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.registry.Credentials;
import dev.cortado.image.registry.FetchedManifest;
import dev.cortado.image.registry.RegistryClient;
import dev.cortado.image.registry.RegistrySession;
import dev.cortado.image.snapshot.ChainIds;
import dev.cortado.image.snapshot.Snapshot;
import dev.cortado.image.store.ImageRecord;
import dev.cortado.image.store.ImageStore;
import dev.cortado.image.store.LayerRecord;
import dev.cortado.image.store.Lease;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;

/**
 * PullImage: resolves a reference at its registry, chooses the host's platform, fetches the
 * config, and has every missing layer downloaded and unpacked at once (bounded), then records
 * the image. Nothing is named in the catalog until every piece is verified and committed.
 */
public final class ImagePuller {

    private static final Logger LOG = Logger.getLogger(ImagePuller.class.getName());

    private final ImageStore store;
    private final RegistryClient registry;
    private final LayerFetcher layers;
    private final Platform platform;
    private final PullObserver observer;

    public ImagePuller(ImageStore store, RegistryClient registry, LayerFetcher layers, Platform platform) {
        this(store, registry, layers, platform, PullObserver.NONE);
    }

    public ImagePuller(ImageStore store, RegistryClient registry, LayerFetcher layers, Platform platform,
                       PullObserver observer) {
        this.store = store;
        this.registry = registry;
        this.layers = layers;
        this.platform = platform;
        this.observer = observer;
    }

    public ImageRecord pull(ImageReference reference, Credentials credentials) throws IOException {
        long started = System.nanoTime();
        LOG.info("pull started: " + reference);
        RegistrySession session = registry.session(reference, credentials);
        try (Lease lease = store.lease()) {
            String wanted = reference.digest() != null ? reference.digest().toString() : reference.tag();
            FetchedManifest top = session.fetchManifest(wanted);
            lease.blob(top.digest());
            store.content().write(top.digest(), top.body());
            Digest indexDigest = null;
            FetchedManifest chosen = top;
            ParsedManifest parsed = ManifestParser.parse(top.body(), top.mediaType());
            if (parsed instanceof ImageIndex index) {
                Descriptor entry = PlatformSelector.select(index, platform, reference.toString());
                indexDigest = top.digest();
                chosen = session.fetchManifest(entry.digest().toString());
                lease.blob(chosen.digest());
                store.content().write(chosen.digest(), chosen.body());
                parsed = ManifestParser.parse(chosen.body(), chosen.mediaType());
                if (!(parsed instanceof ImageManifest)) {
                    throw new IOException("index " + top.digest() + " of " + reference
                            + " points at another index; nested indexes are not supported");
                }
            }
            ImageManifest manifest = (ImageManifest) parsed;
            Descriptor configDescriptor = manifest.config();
            lease.blob(configDescriptor.digest());
            byte[] configBytes = configBlob(session, configDescriptor);
            ImageConfig config = ImageConfig.parse(configBytes, reference.toString());
            List<Digest> diffIds = config.diffIds();
            if (diffIds.size() != manifest.layers().size()) {
                throw new ContentMismatchException("image " + reference + ": the config lists " + diffIds.size()
                        + " diff_ids but the manifest has " + manifest.layers().size() + " layers");
            }
            List<Digest> chainIds = ChainIds.of(diffIds);
            List<CompletableFuture<Snapshot>> unpacked = new ArrayList<>();
            for (int i = 0; i < diffIds.size(); i++) {
                LayerJob job = new LayerJob(reference, session, manifest.layers().get(i), diffIds.get(i),
                        chainIds.get(i), i == 0 ? null : chainIds.get(i - 1));
                lease.blob(job.layer().digest());
                unpacked.add(layers.fetch(job, lease));
            }
            CompletableFuture.allOf(unpacked.toArray(CompletableFuture[]::new)).handle((done, failed) -> done).join();
            List<LayerRecord> records = new ArrayList<>();
            long unpackedBytes = 0;
            for (int i = 0; i < unpacked.size(); i++) {
                Snapshot snapshot = await(unpacked, i);
                Descriptor layer = manifest.layers().get(i);
                records.add(new LayerRecord(layer.digest(), layer.mediaType(), layer.size(), diffIds.get(i),
                        chainIds.get(i)));
                unpackedBytes += snapshot.bytes();
            }
            List<String> tags = reference.tag() != null && reference.digest() == null
                    ? List.of(reference.toString()) : List.of();
            List<String> digests = List.of(reference.name() + "@" + top.digest());
            ImageRecord record = store.add(new ImageRecord(configDescriptor.digest(), indexDigest, chosen.digest(),
                    chosen.mediaType(), tags, digests, records, config.config().user(), unpackedBytes, Instant.now()));
            double seconds = (System.nanoTime() - started) / 1e9;
            long downloaded = manifest.layers().stream().mapToLong(Descriptor::size).sum();
            LOG.info(String.format("pull finished: %s id %s digest %s, %d bytes in %.2f s", reference, record.id(),
                    top.digest(), downloaded, seconds));
            observer.finished(downloaded, seconds);
            return record;
        } catch (IOException | RuntimeException e) {
            LOG.warning("pull failed: " + reference + ": " + e.getMessage());
            observer.failed((System.nanoTime() - started) / 1e9);
            freeLeftovers(e);
            throw e;
        }
    }

    /** A failed pull leaves the store as it was: whatever it committed and no image uses goes. */
    private void freeLeftovers(Exception failure) {
        try {
            store.collectGarbage();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private byte[] configBlob(RegistrySession session, Descriptor descriptor) throws IOException {
        if (store.content().has(descriptor.digest())) {
            return store.content().read(descriptor.digest(), registry.config().maxConfigBytes());
        }
        byte[] bytes = session.fetchBlobBytes(descriptor.digest(), descriptor.size(),
                registry.config().maxConfigBytes());
        store.content().write(descriptor.digest(), bytes);
        return bytes;
    }

    /** Waits for one layer, cancelling the pull's other layers when it failed. */
    private static Snapshot await(List<CompletableFuture<Snapshot>> all, int index) throws IOException {
        try {
            return all.get(index).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("pull interrupted", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause.getMessage(), cause);
        }
    }
}
