package dev.cortado.image.pull;

import dev.cortado.image.content.Digest;
import dev.cortado.image.manifest.Descriptor;
import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.registry.RegistrySession;

/** One layer of one pull: where to get it and what it must turn out to be. */
record LayerJob(ImageReference reference, RegistrySession session, Descriptor layer, Digest diffId, Digest chainId,
                Digest parentChainId) {
}
