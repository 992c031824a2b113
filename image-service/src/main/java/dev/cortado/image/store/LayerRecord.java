package dev.cortado.image.store;

import dev.cortado.image.content.Digest;

/** One layer of a stored image: the blob it came from and the snapshot it became. */
public record LayerRecord(Digest blob, String mediaType, long size, Digest diffId, Digest chainId) {
}
