package dev.cortado.image.store;

import dev.cortado.image.content.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A complete image in the store. Its id is the digest of its config blob, as docker and the CRI
 * define it; names are full references ({@code docker.io/library/busybox:latest}) and digested
 * references to the manifest (or index) it was pulled by.
 *
 * @param id             digest of the config blob
 * @param indexDigest    the index or manifest list it was chosen from, or null
 * @param manifestDigest the platform manifest
 * @param repoTags       full tagged references naming it
 * @param repoDigests    full digested references naming it
 * @param layers         bottom layer first, as the manifest lists them
 * @param user           the config's User field, possibly empty
 * @param unpackedBytes  bytes its layers occupy once unpacked
 */
public record ImageRecord(Digest id, Digest indexDigest, Digest manifestDigest, String manifestMediaType,
                          List<String> repoTags, List<String> repoDigests, List<LayerRecord> layers, String user,
                          long unpackedBytes, Instant pulledAt) {

    public ImageRecord {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        layers = List.copyOf(layers);
        user = user == null ? "" : user;
    }

    /** The chainID of the top layer: the snapshot a container's rootfs stacks on. */
    public Digest topChainId() {
        return layers.isEmpty() ? null : layers.get(layers.size() - 1).chainId();
    }

    /** Every blob this image needs kept: index, manifest, config, layers. */
    public Set<Digest> blobs() {
        Set<Digest> blobs = new LinkedHashSet<>();
        if (indexDigest != null) {
            blobs.add(indexDigest);
        }
        blobs.add(manifestDigest);
        blobs.add(id);
        layers.forEach(layer -> blobs.add(layer.blob()));
        return blobs;
    }

    public ImageRecord withNames(List<String> tags, List<String> digests) {
        return new ImageRecord(id, indexDigest, manifestDigest, manifestMediaType, tags, digests, layers, user,
                unpackedBytes, pulledAt);
    }

    /** This record with the names of {@code newer} added to its own. */
    public ImageRecord mergeNames(ImageRecord newer) {
        return withNames(union(repoTags, newer.repoTags), union(repoDigests, newer.repoDigests));
    }

    private static List<String> union(List<String> a, List<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return new ArrayList<>(all);
    }
}
