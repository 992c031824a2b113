package dev.cortado.image.snapshot;

import dev.cortado.image.content.Digest;
import java.time.Instant;

/**
 * One committed, read-only image layer on disk, keyed by its chainID.
 *
 * @param chainId the layer's chainID: its identity together with every layer below it
 * @param id      the number naming its directory, {@code snapshots/<id>/fs}
 * @param parent  the chainID of the layer below, or null for a base layer
 * @param diffId  sha256 of the layer's uncompressed tar
 * @param blob    digest of the compressed blob it was unpacked from
 * @param link    the short name under {@code snapshots/l/} pointing at its fs directory
 * @param bytes   file content bytes written when it was unpacked
 * @param inodes  files, directories, links and nodes it holds
 */
public record Snapshot(Digest chainId, long id, Digest parent, Digest diffId, Digest blob, String link,
                       long bytes, long inodes, Instant created) {
}
