package dev.cortado.image.manifest;

import dev.cortado.image.registry.RegistryException;
import dev.cortado.image.registry.RegistryException.Kind;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Picks the manifest of an index that best fits a platform (see {@link PlatformMatcher}); among
 * equally good entries the first one wins, as the index's order is the publisher's preference.
 * Entries without a platform, and entries that are not manifests or indexes (attestations,
 * signatures), are never picked. The result may itself be an index; callers fetch and select again.
 */
public final class PlatformSelector {

    private PlatformSelector() {
    }

    public static Descriptor select(ImageIndex index, Platform platform) throws RegistryException {
        return select(index, platform, "the image index");
    }

    /** @param source what the index belongs to, for the error message (e.g. the image reference) */
    public static Descriptor select(ImageIndex index, Platform platform, String source) throws RegistryException {
        PlatformMatcher matcher = new PlatformMatcher(platform);
        Descriptor best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Descriptor candidate : index.manifests()) {
            if (!MediaTypes.isManifest(candidate.mediaType()) && !MediaTypes.isIndex(candidate.mediaType())) {
                continue;
            }
            int rank = matcher.rank(candidate.platform());
            if (rank != PlatformMatcher.NO_MATCH && rank < bestRank) {
                best = candidate;
                bestRank = rank;
            }
        }
        if (best == null) {
            throw new RegistryException(Kind.NOT_FOUND, "no manifest for " + platform + " in " + source
                    + "; available: " + available(index));
        }
        return best;
    }

    private static String available(ImageIndex index) {
        Set<String> platforms = new LinkedHashSet<>();
        for (Descriptor candidate : index.manifests()) {
            platforms.add(candidate.platform() == null ? "(no platform)" : candidate.platform().toString());
        }
        return platforms.isEmpty() ? "none (the index is empty)" : String.join(", ", platforms);
    }
}
